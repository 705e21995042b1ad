package io.privateendpoint.e2e.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart renders its CRDs from files/crds/, a copy of crds/ (a chart can read no file outside
 * its directory). The copy must be crds/ byte for byte: hack/update-crds.sh refreshes both, as does
 * this test with -Dkpe.crds.update=true. HelmRenderIT checks the rendered CRD against crds/ too.
 */
class ChartCrdDriftTest {

  private static final Path PROJECT = KubernetesApiServerExtension.projectRoot().resolve("crds");
  private static final Path CHART = KubernetesApiServerExtension.projectRoot().resolve("helm/kafka-private-endpoint-operator/files/crds");
  private static final boolean UPDATE = Boolean.getBoolean("kpe.crds.update");

  @Test
  void chartCrdsAreTheProjectCrds() throws IOException {
    List<String> project = names(PROJECT);
    assertThat(project).isNotEmpty();
    if (UPDATE) {
      for (String stale : names(CHART)) {
        Files.delete(CHART.resolve(stale));
      }
      for (String name : project) {
        Files.copy(PROJECT.resolve(name), CHART.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    assertThat(names(CHART)).as("CRD files in the chart's files/crds/ (run hack/update-crds.sh)").isEqualTo(project);
    for (String name : project) {
      assertThat(Files.readString(CHART.resolve(name)))
          .as("the chart's files/crds/%s differs from crds/: run hack/update-crds.sh and commit", name)
          .isEqualTo(Files.readString(PROJECT.resolve(name)));
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yml") || n.endsWith(".yaml")).sorted().toList();
    }
  }
}
