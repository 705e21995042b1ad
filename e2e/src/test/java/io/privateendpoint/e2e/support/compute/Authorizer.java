package io.privateendpoint.e2e.support.compute;

import com.google.protobuf.Message;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * IAM for one principal of the fake: the permissions it holds (null: every permission, as a project
 * owner), checked before a request changes or reveals anything, each needed permission in turn; the
 * first one missing is Compute's 403. Records every permission it checked, so a test can compare what
 * a caller used with what a role grants. Compute has no resource-level conditions on these kinds, so
 * a grant here holds project-wide, as a custom role bound on the project does.
 */
final class Authorizer {

  private final Set<String> granted;
  private final RequiredPermissions required;
  private final Set<String> checked = ConcurrentHashMap.newKeySet();

  Authorizer(Set<String> granted, RequiredPermissions required) {
    this.granted = granted == null ? null : Set.copyOf(granted);
    this.required = required;
  }

  /** Throws ComputeError 403 for the first permission the request needs and the principal lacks. */
  void check(Route route, Message request, String path) {
    for (RequiredPermissions.Need need : required.of(route, request, path)) {
      checked.add(need.permission());
      if (granted != null && !granted.contains(need.permission())) {
        throw ComputeError.forbidden(need.permission(), need.resource());
      }
    }
  }

  /** Every permission checked so far, sorted. */
  Set<String> checked() {
    return new TreeSet<>(checked);
  }
}
