package io.privateendpoint.e2e.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** helm lint finds nothing to say — not even a warning (--strict) — with the defaults and with every golden scenario's values. */
class HelmLintIT {

  private final HelmCli helm = HelmCli.offline();

  @ParameterizedTest(name = "helm lint {0}")
  @ValueSource(strings = {"", "--strict"})
  void lintIsClean(String strict) {
    HelmCli.Result lint = strict.isEmpty() ? helm.helm("lint", HelmCli.CHART.toString())
        : helm.helm("lint", strict, HelmCli.CHART.toString());
    assertLintClean(lint);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.privateendpoint.e2e.helm.HelmRenderIT#scenarios")
  void strictLintIsCleanWithEveryScenariosValues(Path scenario) {
    assertLintClean(helm.helm("lint", "--strict", HelmCli.CHART.toString(), "--namespace", HelmRenderIT.NAMESPACE,
        "--values", scenario.resolve("in-values.yaml").toString()));
  }

  private static void assertLintClean(HelmCli.Result lint) {
    assertThat(lint.exitCode()).as("helm lint:\n%s%s", lint.stdout(), lint.stderr()).isZero();
    assertThat(lint.stdout()).contains("1 chart(s) linted, 0 chart(s) failed").doesNotContain("[WARNING]", "[ERROR]");
  }
}
