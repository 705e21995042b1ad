package io.privateendpoint.e2e.support.compute;

import java.util.List;
import java.util.Optional;

/**
 * Where a Compute resource lives: {@code projects/P/global/C/N}, {@code projects/P/regions/R/C/N} or
 * {@code projects/P/zones/Z/C/N}. Resources name each other by URL, and Compute accepts a reference
 * as a full URL, as {@code projects/...} or relative to the caller's project ({@code regions/R/C/N});
 * all three parse to the same path, so references are compared by it.
 */
record ResourcePath(String project, String scope, String collection, String name) {

  static final String API = "https://www.googleapis.com/compute/v1/";
  private static final List<String> PREFIXES = List.of(
      "https://www.googleapis.com/compute/v1/", "https://compute.googleapis.com/compute/v1/",
      "https://www.googleapis.com/compute/beta/", "https://compute.googleapis.com/compute/beta/");

  /** A reference in any accepted form, or empty when it is not one (a bare name, an email, a CIDR...). */
  static Optional<ResourcePath> parse(String reference, String contextProject) {
    String rest = reference;
    for (String prefix : PREFIXES) {
      if (rest.startsWith(prefix)) {
        rest = rest.substring(prefix.length());
        break;
      }
    }
    if (rest.contains("://") || rest.startsWith("/")) {
      return Optional.empty();
    }
    String[] s = rest.split("/", -1);
    String project = contextProject;
    int i = 0;
    if (s.length >= 2 && s[0].equals("projects")) {
      project = s[1];
      i = 2;
    }
    if (project == null || project.isEmpty()) {
      return Optional.empty();
    }
    int left = s.length - i;
    if (left == 3 && s[i].equals("global")) {
      return of(project, "global", s[i + 1], s[i + 2]);
    }
    if (left == 4 && (s[i].equals("regions") || s[i].equals("zones"))) {
      return of(project, s[i] + "/" + s[i + 1], s[i + 2], s[i + 3]);
    }
    return Optional.empty();
  }

  private static Optional<ResourcePath> of(String project, String scope, String collection, String name) {
    if (project.isEmpty() || scope.endsWith("/") || collection.isEmpty() || name.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ResourcePath(project, scope, collection, name));
  }

  /** The path of a request URL below /compute/v1/, which must be a resource. */
  static ResourcePath ofPath(String path) {
    return parse(path, null).filter(p -> path.startsWith("projects/"))
        .orElseThrow(() -> new IllegalArgumentException("not a resource path: " + path));
  }

  /** {@code collectionPath} is projects/P/<scope>/C as in an Insert or List URL. */
  static Optional<ResourcePath> inCollection(String collectionPath, String name) {
    return parse(collectionPath + "/" + name, null).filter(p -> collectionPath.startsWith("projects/"));
  }

  String path() {
    return collectionPath() + "/" + name;
  }

  String collectionPath() {
    return "projects/" + project + "/" + scope + "/" + collection;
  }

  String selfLink() {
    return API + path();
  }

  boolean global() {
    return scope.equals("global");
  }

  /** The region of a regional resource, or of a zonal one's zone; null for global ones. */
  String region() {
    if (scope.startsWith("regions/")) {
      return scope.substring("regions/".length());
    }
    if (scope.startsWith("zones/")) {
      return regionOfZone(zone());
    }
    return null;
  }

  String zone() {
    return scope.startsWith("zones/") ? scope.substring("zones/".length()) : null;
  }

  /** The URL of the region or zone, as in a resource's region / zone field. */
  String scopeUrl() {
    return global() ? null : API + "projects/" + project + "/" + scope;
  }

  static String regionOfZone(String zone) {
    int dash = zone.lastIndexOf('-');
    return dash < 0 ? zone : zone.substring(0, dash);
  }

  @Override
  public String toString() {
    return path();
  }
}
