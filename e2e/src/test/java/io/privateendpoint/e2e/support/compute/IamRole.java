package io.privateendpoint.e2e.support.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A custom IAM role in the YAML form {@code gcloud iam roles create --file} takes (title, description,
 * stage, includedPermissions), as shipped in config/gcp/iam-role.yaml for the operator's service
 * account. The Compute fake grants its service account exactly these permissions.
 */
public record IamRole(String title, String stage, List<String> includedPermissions) {

  /** Where the shipped role lives, relative to the project root. */
  public static final Path SHIPPED = Path.of("config", "gcp", "iam-role.yaml");

  public IamRole {
    includedPermissions = List.copyOf(includedPermissions);
  }

  /** The role the operator ships, found from the project root (see {@link #projectRoot()}). */
  public static IamRole shipped() {
    return load(projectRoot().resolve(SHIPPED));
  }

  public static IamRole load(Path file) {
    JsonNode yaml;
    try {
      yaml = new YAMLMapper().readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the IAM role " + file, e);
    }
    if (yaml == null || !yaml.path("includedPermissions").isArray()) {
      throw new IllegalArgumentException(file + " has no includedPermissions list");
    }
    List<String> permissions = new ArrayList<>();
    for (JsonNode p : yaml.path("includedPermissions")) {
      if (!p.isTextual()) {
        throw new IllegalArgumentException(file + ": includedPermissions holds a non-string " + p);
      }
      permissions.add(p.asText());
    }
    return new IamRole(yaml.path("title").asText(""), yaml.path("stage").asText(""), permissions);
  }

  /**
   * The project root: the kpe.root system property (failsafe and hack/run-local.sh set it), else the
   * nearest directory up from the working directory that holds config/gcp/iam-role.yaml — the e2e tests
   * run in e2e/, one level below it.
   */
  public static Path projectRoot() {
    String root = System.getProperty("kpe.root");
    if (root != null && !root.isBlank()) {
      return Path.of(root).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(SHIPPED))) {
        return dir;
      }
    }
    throw new IllegalStateException("no " + SHIPPED + " in " + Path.of("").toAbsolutePath() + " or above; set -Dkpe.root");
  }
}
