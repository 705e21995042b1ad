package io.privateendpoint.operator.app;

/** This build's version, from the jar's manifest (set by the build); "dev" when run from classes. */
public final class Version {

  private Version() {}

  public static String current() {
    String version = Version.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  /** The image tag hack/build-image.sh gives this build: the version without -SNAPSHOT. */
  public static String imageTag() {
    String version = current();
    return version.endsWith("-SNAPSHOT") ? version.substring(0, version.length() - "-SNAPSHOT".length()) : version;
  }
}
