package io.privateendpoint.e2e.support;

import io.privateendpoint.e2e.support.compute.ComputeFake;

/**
 * One Compute fake per test JVM, like moto: every operator the tests run points its Compute clients
 * at it (a plain-http endpoint, so they send no credentials).
 */
public final class LocalCompute {

  private static ComputeFake fake;

  private LocalCompute() {}

  public static synchronized ComputeFake get() {
    if (fake == null) {
      fake = ComputeFake.start();
      Runtime.getRuntime().addShutdownHook(new Thread(fake::close, "stop-compute-fake"));
    }
    return fake;
  }
}
