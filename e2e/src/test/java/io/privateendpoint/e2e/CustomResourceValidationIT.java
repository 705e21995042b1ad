package io.privateendpoint.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.ProjectCrds;
import io.privateendpoint.e2e.support.TestCluster;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed CRD against a real API server: every valid-*.yaml is accepted, every
 * invalid-*.yaml rejected with the messages its "# expect:" lines give, which name the field.
 * A file with two documents creates the first and applies the second as an update (immutability).
 */
@ExtendWith(KubernetesApiServerExtension.class)
class CustomResourceValidationIT {

  private static final String NAMESPACE = "crd-validation";
  private static final String EXPECT = "# expect: ";
  private static KubernetesClient client;

  @BeforeAll
  static void installCrd(TestCluster cluster) {
    client = cluster.newClient();
    ProjectCrds.install(client);
    client.resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build()).createOr(r -> r.update());
  }

  @AfterAll
  static void closeClient() {
    client.close();
  }

  static Stream<Path> validCases() throws IOException, URISyntaxException {
    return cases("valid-");
  }

  static Stream<Path> invalidCases() throws IOException, URISyntaxException {
    return cases("invalid-");
  }

  @Test
  void enoughInvalidCasesStandBesideTheirExpectedMessages() throws Exception {
    List<Path> invalid = invalidCases().toList();
    assertThat(invalid).hasSizeGreaterThanOrEqualTo(25);
    for (Path file : invalid) {
      assertThat(expectations(file)).as("%s has no '# expect:' line", file.getFileName()).isNotEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validCases")
  void accepts(Path file) throws IOException {
    List<GenericKubernetesResource> docs = documents(file);
    GenericKubernetesResource created = client.resource(docs.get(0)).inNamespace(NAMESPACE).create();
    try {
      assertThat(created.getMetadata().getUid()).isNotBlank();
      if (docs.size() > 1) {
        GenericKubernetesResource update = docs.get(1);
        update.getMetadata().setResourceVersion(created.getMetadata().getResourceVersion());
        client.resource(update).inNamespace(NAMESPACE).update();
      }
    } finally {
      client.resource(created).inNamespace(NAMESPACE).delete();
    }
  }

  static Stream<Path> configSamples() throws IOException {
    try (Stream<Path> files = Files.list(KubernetesApiServerExtension.projectRoot().resolve("config/samples"))) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configSamples")
  void acceptsTheShippedSamples(Path file) throws IOException {
    accepts(file);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidCases")
  void rejectsNamingTheField(Path file) throws IOException {
    List<String> expected = expectations(file);
    List<GenericKubernetesResource> docs = documents(file);
    GenericKubernetesResource created = null;
    try {
      if (docs.size() == 1) {
        assertThatThrownBy(() -> client.resource(docs.get(0)).inNamespace(NAMESPACE).create())
            .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertRejected(e, expected));
      } else {
        created = client.resource(docs.get(0)).inNamespace(NAMESPACE).create();
        GenericKubernetesResource update = docs.get(1);
        update.getMetadata().setResourceVersion(created.getMetadata().getResourceVersion());
        assertThatThrownBy(() -> client.resource(update).inNamespace(NAMESPACE).update())
            .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertRejected(e, expected));
      }
    } finally {
      if (created != null) {
        client.resource(created).inNamespace(NAMESPACE).delete();
      }
    }
  }

  private static void assertRejected(KubernetesClientException e, List<String> expected) {
    assertThat(e.getCode()).as("HTTP status of %s", e.getMessage()).isEqualTo(422);
    String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
    for (String text : expected) {
      assertThat(message).contains(text);
    }
  }

  private static Stream<Path> cases(String prefix) throws IOException, URISyntaxException {
    Path dir = Path.of(CustomResourceValidationIT.class.getResource("/validation").toURI());
    List<Path> files;
    try (Stream<Path> all = Files.list(dir)) {
      files = all.sorted().toList();
    }
    for (Path f : files) {
      String name = f.getFileName().toString();
      if (!(name.startsWith("valid-") || name.startsWith("invalid-")) || !name.endsWith(".yaml")) {
        fail("unused fixture %s: cases are valid-*.yaml or invalid-*.yaml", name);
      }
    }
    return files.stream().filter(f -> f.getFileName().toString().startsWith(prefix));
  }

  private static List<String> expectations(Path file) throws IOException {
    return Files.readAllLines(file).stream().filter(l -> l.startsWith(EXPECT))
        .map(l -> l.substring(EXPECT.length()).trim()).toList();
  }

  private static List<GenericKubernetesResource> documents(Path file) throws IOException {
    return Arrays.stream(Files.readString(file).split("(?m)^---\\s*$"))
        .filter(doc -> doc.lines().anyMatch(l -> !l.isBlank() && !l.startsWith("#")))
        .map(doc -> Serialization.unmarshal(doc, GenericKubernetesResource.class))
        .toList();
  }
}
