package io.privateendpoint.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Semantic bad input that the CRD schema lets through: every {@code src/test/resources/bad-input/*.yaml}
 * is a JSON merge patch (written as YAML) onto the sample named by its {@code # base:} line, and its
 * {@code # expect: <field>: <text>} lines are exactly the problems SpecValidator must report (field
 * equal, message containing the text). The valid samples themselves pass. A spec with a problem stops
 * the pipeline before any read or write (ReconcilePipelineTest), so these need no cloud.
 */
class BadInputCorpusTest {

  private static final Path CASES = Path.of("src/test/resources/bad-input");
  private static final Path SAMPLES = Path.of("../config/samples");
  private static int ran;

  static Stream<Path> cases() throws Exception {
    try (var files = Files.list(CASES)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @Test
  void theCorpusIsLargeAndCoversEveryProvider() throws Exception {
    List<Path> all = cases().toList();
    assertThat(all).hasSizeGreaterThanOrEqualTo(30);
    System.out.println("bad-input corpus: " + all.size() + " spec-only cases");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reportsTheFieldAndNothingElse(Path file) throws Exception {
    String text = Files.readString(file);
    String base = null;
    List<String[]> expected = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# base:")) {
        base = line.substring("# base:".length()).trim();
      } else if (line.startsWith("# expect:")) {
        String rest = line.substring("# expect:".length()).trim();
        int colon = rest.indexOf(": ");
        expected.add(new String[] {rest.substring(0, colon), rest.substring(colon + 2)});
      }
    }
    assertThat(base).as("%s has a # base: line", file).isNotNull();
    assertThat(expected).as("%s has # expect: lines", file).isNotEmpty();
    JsonNode resource = Serialization.unmarshal(Files.readString(SAMPLES.resolve(base)), JsonNode.class);
    JsonNode patch = Serialization.unmarshal(text, JsonNode.class);
    KafkaPrivateEndpoint endpoint = Serialization.jsonMapper().treeToValue(merge(resource, patch), KafkaPrivateEndpoint.class);

    List<SpecProblem> problems = new SpecValidator().validate(endpoint.getSpec());

    assertThat(problems).as("%s: %s", file.getFileName(), problems).hasSameSizeAs(expected);
    for (String[] e : expected) {
      assertThat(problems).as("%s: %s", file.getFileName(), problems)
          .anySatisfy(p -> {
            assertThat(p.field()).isEqualTo(e[0]);
            assertThat(p.message()).contains(e[1]);
          });
    }
    ran++;
  }

  @AfterAll
  static void count() {
    System.out.println("bad-input corpus: " + ran + " spec-only cases reported as expected");
  }

  /** RFC 7386 JSON merge patch. */
  private static JsonNode merge(JsonNode target, JsonNode patch) {
    if (!patch.isObject() || !target.isObject()) {
      return patch;
    }
    ObjectNode result = ((ObjectNode) target).deepCopy();
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      var field = it.next();
      if (field.getValue().isNull()) {
        result.remove(field.getKey());
      } else {
        JsonNode old = result.get(field.getKey());
        result.set(field.getKey(), old == null ? field.getValue() : merge(old, field.getValue()));
      }
    }
    return result;
  }
}
