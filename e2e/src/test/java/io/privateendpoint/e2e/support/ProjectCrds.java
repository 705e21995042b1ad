package io.privateendpoint.e2e.support;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Installs the committed CRDs from crds/ — what users install — and waits until they are served. */
public final class ProjectCrds {

  private ProjectCrds() {}

  public static Path dir() {
    return KubernetesApiServerExtension.projectRoot().resolve("crds");
  }

  public static List<Path> files() {
    try (Stream<Path> files = Files.list(dir())) {
      return files.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static synchronized void install(KubernetesClient client) {
    files().forEach(file -> apply(client, file));
  }

  /** Server-side applies one CRD file and waits until the API server serves it. */
  static void apply(KubernetesClient client, Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
      client.resource(crd).forceConflicts().serverSideApply();
      client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
          .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
              && c.getStatus().getConditions().stream()
                  .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
              30, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
