package io.privateendpoint.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which samples hack/run-local.sh plays: every one in config/samples/, by the script's quick look
 * and by LocalRun's parsed check alike; what it cannot play is refused by both, the script in one
 * line on stderr with exit 2 before it builds anything (here: before it even finds a JDK).
 */
class LocalRunSampleTest {

  private static final Path ROOT = KubernetesApiServerExtension.projectRoot();

  @TempDir
  Path dir;

  @Test
  void everyShippedSampleIsPlayable() throws IOException {
    List<Path> samples;
    try (Stream<Path> files = Files.list(ROOT.resolve("config/samples"))) {
      samples = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(samples).extracting(p -> p.getFileName().toString())
        .contains("aws-statefulset.yaml", "aws-strimzi.yaml", "gcp-statefulset.yaml", "proxy-bootstrapservers.yaml");
    for (Path sample : samples) {
      assertThat(LocalRun.sample(sample).getMetadata().getName()).as(sample.toString()).isNotBlank();
    }
  }

  @Test
  void unplayableSamplesAreRefusedInOneLineBeforeTheBuild() throws Exception {
    String proxy = Files.readString(ROOT.resolve("config/samples/proxy-bootstrapservers.yaml"));
    String gcp = Files.readString(ROOT.resolve("config/samples/gcp-statefulset.yaml"));
    Path proxyOnGcp = write("proxy-gcp.yaml", gcp.replace("\n  listener:", "\n  mode: Proxy\n  listener:"));
    Path bootstrapWithoutProxy = write("bootstrap.yaml", proxy.replace("\n  mode: Proxy\n", "\n"));
    Path configMap = write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
    Path missing = dir.resolve("missing.yaml");
    // The edits took: each file differs from the playable sample where it matters.
    assertThat(Files.readString(proxyOnGcp)).contains("\n  mode: Proxy\n");
    assertThat(Files.readString(bootstrapWithoutProxy)).doesNotContain("mode: Proxy");

    assertRefused(proxyOnGcp, "mode: Proxy emulates AWS only");
    assertRefused(bootstrapWithoutProxy, "bootstrapServers needs mode: Proxy");
    assertRefused(missing, "no such file");
    assertThat(script(configMap)).isEqualTo("error: " + configMap + ": not a KafkaPrivateEndpoint (kind: KafkaPrivateEndpoint)\n");
    assertThatThrownBy(() -> LocalRun.sample(configMap)).isInstanceOf(LocalRun.RefusedSample.class);
  }

  private void assertRefused(Path sample, String why) throws Exception {
    assertThat(script(sample)).startsWith("error: " + sample + ": ").contains(why).endsWith("\n")
        .hasLineCount(1);
    assertThatThrownBy(() -> LocalRun.sample(sample)).isInstanceOf(LocalRun.RefusedSample.class).hasMessageContaining(why);
  }

  /** hack/run-local.sh's stderr for a sample it must refuse; fails unless it exits 2 with nothing on stdout. */
  private static String script(Path sample) throws Exception {
    Process process = new ProcessBuilder("bash", ROOT.resolve("hack/run-local.sh").toString(), sample.toString()).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("exit; stderr %s", err).isEqualTo(2);
    assertThat(out).isEmpty();
    return err;
  }

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }
}
