package io.privateendpoint.operator.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Runs fabric8's crd-generator on the model. One post-processing step: the generator sorts
 * printer columns by JSONPath, which would put Age first; kubectl should show them in the order
 * the model declares them (provider, mode, endpoint, ready, age).
 */
final class CrdGeneration {

  private CrdGeneration() {}

  static void generate(Path outputDir) throws IOException {
    Files.createDirectories(outputDir);
    new CRDGenerator()
        .customResourceClasses(KafkaPrivateEndpoint.class)
        .forCRDVersions("v1")
        .withParallelGenerationEnabled(false)
        .withPostProcessor(new DeclaredColumnOrder(KafkaPrivateEndpoint.class))
        .inOutputDir(outputDir.toFile())
        .generate();
  }

  private record DeclaredColumnOrder(Class<?> resourceClass) implements CRDPostProcessor {

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
      List<String> declared = Arrays.stream(resourceClass.getAnnotationsByType(AdditionalPrinterColumn.class))
          .map(AdditionalPrinterColumn::jsonPath).toList();
      for (var version : ((CustomResourceDefinition) crd).getSpec().getVersions()) {
        version.getAdditionalPrinterColumns().sort(
            Comparator.comparingInt((CustomResourceColumnDefinition c) -> declared.indexOf(c.getJsonPath())));
      }
      return crd;
    }
  }
}
