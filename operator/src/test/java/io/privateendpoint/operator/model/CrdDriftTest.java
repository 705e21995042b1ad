package io.privateendpoint.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRD committed in crds/ (what users install, what the e2e tests install) must be exactly what
 * fabric8's crd-generator makes from the Java model. After a model change, run
 * hack/update-crds.sh (this test with -Dkpe.crds.update=true) and commit the result.
 */
class CrdDriftTest {

  private static final Path COMMITTED = Path.of(System.getProperty("kpe.crds.dir", "../crds"));
  private static final Path GENERATED = Path.of(System.getProperty("kpe.generated.crds.dir", "target/generated-crds"));
  private static final boolean UPDATE = Boolean.getBoolean("kpe.crds.update");

  @Test
  void committedCrdsMatchTheModel() throws IOException {
    CrdGeneration.generate(GENERATED);
    List<String> generated = names(GENERATED);
    assertThat(generated).as("CRDs generated into %s", GENERATED).isNotEmpty();
    if (UPDATE) {
      for (String name : generated) {
        Files.copy(GENERATED.resolve(name), COMMITTED.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    assertThat(names(COMMITTED)).as("CRD files in crds/ (run hack/update-crds.sh)").containsExactlyElementsOf(generated);
    for (String name : generated) {
      assertThat(Files.readString(COMMITTED.resolve(name)))
          .as("crds/%s differs from the model's CRD: run hack/update-crds.sh and commit", name)
          .isEqualTo(Files.readString(GENERATED.resolve(name)));
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yml")).sorted().toList();
    }
  }
}
