package io.privateendpoint.e2e.support;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Strimzi's Kafka and KafkaNodePool CRDs for the test API server, generated here by fabric8's
 * crd-generator from the published io.strimzi:api model classes — nothing is copied from
 * Strimzi's repository. The schema is what the model says, which is what the operator reads and
 * writes; Strimzi's own CRDs carry more validation than a generated one.
 */
public final class StrimziCrds {

  private static boolean installed;

  private StrimziCrds() {}

  public static synchronized void install(KubernetesClient client) {
    if (installed) {
      return;
    }
    try {
      Path dir = Files.createTempDirectory("strimzi-crds");
      new CRDGenerator().customResourceClasses(Kafka.class, KafkaNodePool.class).forCRDVersions("v1")
          .withParallelGenerationEnabled(false).inOutputDir(dir.toFile()).generate();
      List<Path> files;
      try (Stream<Path> list = Files.list(dir)) {
        files = list.sorted().toList();
      }
      files.forEach(file -> ProjectCrds.apply(client, file));
      installed = true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
