package io.privateendpoint.e2e.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden renders of the chart: each folder under HelmRenderIT/ holds in-values.yaml; out-render.yaml
 * is `helm template kpe <chart> -n kpe-system -f in-values.yaml`, with the CRD's spec left out
 * ({@link #renderedCrdIsTheProjectCrd} compares it with crds/). Any other file fails the test, so no
 * fixture goes unused. Run with -Dkpe.golden.update=true to rewrite out-render.yaml after an intended
 * change, then review the diff.
 */
class HelmRenderIT {

  static final String RELEASE = "kpe";
  static final String NAMESPACE = "kpe-system";
  private static final Set<String> KNOWN = Set.of("in-values.yaml", "out-render.yaml");
  private static final boolean UPDATE = Boolean.getBoolean("kpe.golden.update");
  private static final String CRD_SOURCE = "# Source: kafka-private-endpoint-operator/templates/crd.yaml";
  static final Path PROJECT_CRD = KubernetesApiServerExtension.projectRoot()
      .resolve("crds/kafkaprivateendpoints.kafka.privateendpoint.io-v1.yml");

  private final HelmCli helm = HelmCli.offline();

  static Stream<Path> scenarios() {
    try (Stream<Path> dirs = Files.list(Path.of(HelmRenderIT.class.getResource("/HelmRenderIT").toURI()))) {
      List<Path> scenarios = dirs.sorted().toList();
      assertThat(scenarios).isNotEmpty();
      return scenarios.stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void renderMatchesGoldenFile(Path scenario) throws IOException {
    try (Stream<Path> files = Files.list(scenario)) {
      assertThat(files.map(f -> f.getFileName().toString())).as("files in %s", scenario).allMatch(KNOWN::contains);
    }
    String actual = withoutCrdSpec(render(HelmCli.CHART, scenario.resolve("in-values.yaml")));

    Path golden = scenario.resolve("out-render.yaml");
    if (UPDATE) {
      // Rewrites the source tree's copy, not target/'s.
      Files.writeString(Path.of("src/test/resources/HelmRenderIT", scenario.getFileName().toString(), "out-render.yaml"), actual);
      return;
    }
    assertThat(golden).as("missing %s (run with -Dkpe.golden.update=true)", golden).exists();
    assertThat(actual).isEqualTo(Files.readString(golden));
  }

  /**
   * What `helm upgrade --reuse-values` does to a release made with an older chart: the new templates
   * render with the old chart's values, where keys added since are missing. A chart whose values.yaml
   * is empty must render exactly as the chart itself, so every template reads every value with a
   * default, and each default is values.yaml's.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void templatesDefaultEveryValueAsValuesYamlDoes(Path scenario) throws IOException {
    Path bare = ChartCopies.withValuesYaml("{}\n");
    try {
      assertThat(render(bare, scenario.resolve("in-values.yaml")))
          .isEqualTo(render(HelmCli.CHART, scenario.resolve("in-values.yaml")));
    } finally {
      ChartCopies.delete(bare);
    }
  }

  /**
   * Helm 4 renders every scenario as Helm 3 does. It keeps the newline after a template's last
   * {@code {{- end }}} where Helm 3 drops it, so blank lines are not compared.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void helm4RendersAsHelm3(Path scenario) {
    String values = scenario.resolve("in-values.yaml").toString();
    String helm4 = HelmCli.offlineHelm4().template(HelmCli.CHART, RELEASE, NAMESPACE, "--values", values)
        .orFail("helm 4 template").stdout();
    assertThat(withoutBlankLines(helm4)).isEqualTo(withoutBlankLines(render(HelmCli.CHART, scenario.resolve("in-values.yaml"))));
  }

  private static String withoutBlankLines(String text) {
    return text.replaceAll("(?m)^\\s*\\n", "");
  }

  @Test
  @SuppressWarnings("unchecked")
  void renderedCrdIsTheProjectCrdKeptOnUninstall() throws IOException {
    String out = render(HelmCli.CHART, null);
    String doc = documents(out).stream().filter(d -> d.contains(CRD_SOURCE)).findFirst().orElseThrow();
    Map<String, Object> rendered = Serialization.unmarshal(doc, Map.class);
    Map<String, Object> metadata = (Map<String, Object>) rendered.get("metadata");
    assertThat((Map<String, Object>) metadata.remove("annotations")).containsEntry("helm.sh/resource-policy", "keep");
    assertThat((Map<String, Object>) metadata.remove("labels")).containsEntry("app.kubernetes.io/managed-by", "Helm");
    Map<String, Object> project = Serialization.unmarshal(Files.readString(PROJECT_CRD), Map.class);
    assertThat(numbersAsDecimals(rendered)).as("the chart's CRD against crds/ (refresh: hack/update-crds.sh)")
        .isEqualTo(numbersAsDecimals(project));
  }

  /** Helm's fromYaml/toYaml writes crds/'s 65535.0 as 65535: the same number to the API server. */
  private static Object numbersAsDecimals(Object value) {
    return switch (value) {
      case Map<?, ?> map -> map.entrySet().stream().collect(java.util.stream.Collectors.toMap(
          e -> e.getKey(), e -> numbersAsDecimals(e.getValue())));
      case List<?> list -> list.stream().map(HelmRenderIT::numbersAsDecimals).toList();
      case Number number -> new java.math.BigDecimal(number.toString()).stripTrailingZeros();
      case null, default -> value;
    };
  }

  @Test
  void crdsInstallFalseRendersNoCrd() {
    String out = helm.template(HelmCli.CHART, RELEASE, NAMESPACE, "--set", "crds.install=false").orFail("helm template").stdout();
    assertThat(out).doesNotContain("kind: CustomResourceDefinition").contains("kind: Deployment");
  }

  private String render(Path chart, Path values) {
    return values == null
        ? helm.template(chart, RELEASE, NAMESPACE).orFail("helm template").stdout()
        : helm.template(chart, RELEASE, NAMESPACE, "--values", values.toString()).orFail("helm template").stdout();
  }

  static List<String> documents(String render) {
    return Stream.of(render.split("(?m)^---\\n")).filter(d -> !d.isBlank()).toList();
  }

  /** The CRD's 29 kB spec would drown every golden file; it has its own test. */
  private static String withoutCrdSpec(String render) {
    StringBuilder out = new StringBuilder();
    for (String doc : documents(render)) {
      if (doc.contains(CRD_SOURCE)) {
        doc = doc.substring(0, doc.indexOf("\nspec:\n") + 1)
            + "spec: {} # left out: renderedCrdIsTheProjectCrdKeptOnUninstall compares it with crds/\n";
      }
      out.append("---\n").append(doc);
    }
    return out.toString();
  }

  /** Copies of the chart, changed the way a test needs. */
  static final class ChartCopies {

    private ChartCopies() {}

    /** A copy of the chart whose values.yaml is {@code valuesYaml}. */
    static Path withValuesYaml(String valuesYaml) {
      return copy(Map.of("values.yaml", valuesYaml));
    }

    /** A copy of the chart with some files' content replaced (paths relative to the chart). */
    static Path copy(Map<String, String> replaced) {
      try {
        Path dir = Files.createTempDirectory("kpe-chart").resolve(HelmCli.CHART.getFileName());
        try (Stream<Path> files = Files.walk(HelmCli.CHART)) {
          for (Path source : files.toList()) {
            Path target = dir.resolve(HelmCli.CHART.relativize(source).toString());
            if (Files.isDirectory(source)) {
              Files.createDirectories(target);
            } else {
              Files.copy(source, target);
            }
          }
        }
        for (Map.Entry<String, String> file : replaced.entrySet()) {
          Files.writeString(dir.resolve(file.getKey()), file.getValue());
        }
        return dir;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static void delete(Path chart) {
      try (Stream<Path> files = Files.walk(chart.getParent())) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
