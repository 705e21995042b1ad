package io.privateendpoint.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * What the generated schema must hold beyond drift: `kubectl explain` documents every field, and
 * every string, list and map the user writes is bounded (the API server's CEL cost estimate needs
 * the bounds too, and unbounded input is never a good idea).
 */
class CrdSchemaTest {

  private static final Path CRD = Path.of(System.getProperty("kpe.crds.dir", "../crds"),
      "kafkaprivateendpoints.kafka.privateendpoint.io-v1.yml");

  @Test
  void everyFieldHasADescription() throws IOException {
    List<String> undocumented = new ArrayList<>();
    JSONSchemaProps root = schema();
    walk("spec", root.getProperties().get("spec"), (path, props) -> {
      if (isBlank(props.getDescription())) {
        undocumented.add(path);
      }
    });
    walk("status", root.getProperties().get("status"), (path, props) -> {
      if (isBlank(props.getDescription())) {
        undocumented.add(path);
      }
    });
    assertThat(undocumented).isEmpty();
  }

  @Test
  void everySpecStringListAndMapIsBounded() throws IOException {
    List<String> unbounded = new ArrayList<>();
    walk("spec", schema().getProperties().get("spec"), (path, props) -> check(path, props, unbounded));
    assertThat(unbounded).isEmpty();
  }

  private static void check(String path, JSONSchemaProps props, List<String> unbounded) {
    switch (String.valueOf(props.getType())) {
      case "string" -> {
        if (props.getMaxLength() == null && props.getEnum().isEmpty()) {
          unbounded.add(path + " (string without maxLength)");
        }
      }
      case "array" -> {
        if (props.getMaxItems() == null) {
          unbounded.add(path + " (list without maxItems)");
        }
        check(path + "[]", props.getItems().getSchema(), unbounded);
      }
      case "object" -> {
        if (props.getAdditionalProperties() != null && props.getAdditionalProperties().getSchema() != null) {
          if (props.getMaxProperties() == null) {
            unbounded.add(path + " (map without maxProperties)");
          }
          check(path + "{}", props.getAdditionalProperties().getSchema(), unbounded);
        }
      }
      default -> { }
    }
  }

  /** Visits every named property below {@code props} (list items and map values are checked by their parent). */
  private static void walk(String path, JSONSchemaProps props, BiConsumer<String, JSONSchemaProps> visit) {
    visit.accept(path, props);
    JSONSchemaProps object = props.getItems() != null ? props.getItems().getSchema() : props;
    for (Map.Entry<String, JSONSchemaProps> child : object.getProperties().entrySet()) {
      walk(path + "." + child.getKey(), child.getValue(), visit);
    }
  }

  private static JSONSchemaProps schema() throws IOException {
    CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(CRD), CustomResourceDefinition.class);
    return crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
