package io.privateendpoint.e2e.support;

import io.privateendpoint.e2e.support.compute.ComputeFake;
import io.privateendpoint.e2e.support.compute.IamRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * One Compute fake per test JVM, like moto: every operator the tests run points its Compute clients
 * at its {@link ComputeFake#endpoint()} (a plain-http endpoint, so they send no credentials), where
 * they act as the operator's service account holding exactly the shipped custom role
 * (config/gcp/iam-role.yaml): a call the role does not allow fails as it would on Google. Test
 * harnesses that seed the project or edit it by hand use {@link ComputeFake#ownerEndpoint()}.
 * The strict port-mapping reading holds too (one client port per instance and VM port, see the
 * fake's NetworkEndpoints): the operator maps each broker once and refuses brokers sharing a node.
 */
public final class LocalCompute {

  private static ComputeFake fake;

  private LocalCompute() {}

  public static synchronized ComputeFake get() {
    if (fake == null) {
      IamRole role = IamRole.shipped();
      ComputeFake started = ComputeFake.start(ComputeFake.Settings.defaults().granting(role.includedPermissions()));
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        report(role, started.checkedPermissions());
        started.close();
      }, "stop-compute-fake"));
      fake = started;
    }
    return fake;
  }

  /**
   * Which of the role's permissions the operator's calls needed, and any they needed beyond it, written
   * when the JVM ends to target/compute-fake-iam.txt (the build's, when the working directory has one):
   * a forked test JVM's output after its last test is not kept.
   */
  private static void report(IamRole role, Set<String> checked) {
    Path target = Path.of("target");
    if (checked.isEmpty() || !Files.isDirectory(target)) {
      return;
    }
    Set<String> unused = new TreeSet<>(role.includedPermissions());
    unused.removeAll(checked);
    Set<String> beyond = new TreeSet<>(checked);
    beyond.removeAll(role.includedPermissions());
    String text = "The operator's calls checked " + checked.size() + " permissions: " + checked + "\nOf the role's "
        + role.includedPermissions().size() + " never needed: " + unused + "\nNeeded beyond the role (refused): " + beyond + "\n";
    try {
      Files.writeString(target.resolve("compute-fake-iam.txt"), text);
    } catch (IOException e) {
      System.err.println("cannot write the Compute fake's IAM report: " + e);
    }
  }
}
