package io.privateendpoint.e2e.support;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps KafkaPrivateEndpoints exactly as the operator left them, for the Argo CD health check
 * (argocd/resource_customizations/…/health.lua): at a point where a test knows what the endpoint
 * is going through, one line records the object as `kubectl get -o yaml` shows it, with the health
 * Argo CD should show for it. argocd/healthtest checks health.lua against every capture after the
 * integration tests (hack/test.sh), and compares each with the committed copy in the health check's
 * testdata (captured-&lt;id&gt;.yaml): KPE_ARGOCD_PROMOTE=1 there refreshes those copies.
 *
 * <p>Written to {@code e2e/target/argocd-captured/<id>.yaml} (the object) and
 * {@code <id>.expected.yaml} (the expectation). Capturing asserts nothing about the endpoint.
 */
public final class ArgoCdCapture {

  private ArgoCdCapture() {}

  /**
   * Records endpoint {@code name} once its condition {@code type} has {@code reason}.
   *
   * @param id     the capture's name, unique across the suite, e.g. {@code aws-nobrokers}
   * @param health the health Argo CD should show: Healthy, Progressing or Degraded; the message
   *               expected with it is {@code type}'s message
   */
  public static void capture(LocallyRunOperatorExtension operator, String id, String name, String type, String reason,
      String health) {
    var resources = operator.getKubernetesClient().genericKubernetesResources(
        KafkaPrivateEndpoint.GROUP + "/" + KafkaPrivateEndpoint.VERSION, "KafkaPrivateEndpoint")
        .inNamespace(operator.getNamespace()).withName(name);
    GenericKubernetesResource object = await().atMost(Duration.ofSeconds(30))
        .until(resources::get, r -> r != null && reason.equals(field(condition(r, type), "reason")));
    // kubectl get -o yaml leaves managedFields out.
    object.getMetadata().setManagedFields(null);
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("id", id);
    expected.put("capturedBy", StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
        .walk(frames -> frames.skip(1).findFirst().map(f -> f.getClassName() + "." + f.getMethodName()).orElse("?")));
    expected.put("condition", Map.of("type", type, "reason", reason));
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("status", health);
    status.put("message", field(condition(object, type), "message"));
    expected.put("healthStatus", status);
    Path dir = Path.of(System.getProperty("kpe.root", ".."), "e2e", "target", "argocd-captured");
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(id + ".yaml"), Serialization.asYaml(object), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve(id + ".expected.yaml"), Serialization.asYaml(expected), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> condition(GenericKubernetesResource resource, String type) {
    Object status = resource.getAdditionalProperties().get("status");
    if (!(status instanceof Map<?, ?> map) || !(map.get("conditions") instanceof List<?> conditions)) {
      return Map.of();
    }
    return conditions.stream().filter(c -> c instanceof Map<?, ?> m && type.equals(m.get("type")))
        .map(c -> (Map<String, Object>) c).findFirst().orElse(Map.of());
  }

  private static String field(Map<String, Object> condition, String name) {
    Object value = condition.get(name);
    return value == null ? null : value.toString();
  }
}
