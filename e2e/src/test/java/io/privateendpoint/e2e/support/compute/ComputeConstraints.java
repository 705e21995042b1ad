package io.privateendpoint.e2e.support.compute;

import com.google.cloud.compute.v1.BackendService;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.ForwardingRule;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.NetworkEndpointGroup;
import com.google.cloud.compute.v1.ServiceAttachment;
import com.google.cloud.compute.v1.Subnetwork;
import com.google.cloud.compute.v1.Uint128;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What Compute checks before it changes anything: names, labels and enum values of any resource;
 * references must name existing resources (404 otherwise); fields that cannot change do not; a
 * resource in use cannot be deleted (400 resourceInUseByAnotherResource). The rules of each type the
 * operator uses are in VpcRules, LoadBalancingRules and FirewallRules, which also fill the defaults
 * Compute fills. References are stored as full URLs, as Compute answers them.
 */
final class ComputeConstraints {

  private static final Pattern NAME = Pattern.compile("[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern LABEL_KEY = Pattern.compile("[\\p{Ll}\\p{Lo}][\\p{Ll}\\p{Lo}\\p{N}_-]{0,62}");
  private static final Pattern LABEL_VALUE = Pattern.compile("[\\p{Ll}\\p{Lo}\\p{N}_-]{0,63}");

  private final References refs;
  private final NetworkEndpoints endpoints;
  private final VpcRules vpc;
  private final LoadBalancingRules loadBalancing;
  private final FirewallRules firewalls;
  private long attachmentIds = 9_000_001;

  ComputeConstraints(ResourceStore store, References refs, NetworkEndpoints endpoints) {
    this.refs = refs;
    this.endpoints = endpoints;
    this.vpc = new VpcRules(store, refs);
    this.loadBalancing = new LoadBalancingRules(store, refs, vpc);
    this.firewalls = new FirewallRules(refs);
  }

  /** The resource to store for an Insert at {@code path}, defaults filled; throws Compute's answer if it breaks a rule. */
  Message forInsert(ResourcePath path, Message resource) {
    if (!NAME.matcher(path.name()).matches()) {
      throw ComputeError.invalidField("resource.name", path.name(), "Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'");
    }
    Message checked = checked(path, resource, null);
    if (checked instanceof ServiceAttachment a) {
      checked = a.toBuilder().setPscServiceAttachmentId(Uint128.newBuilder().setHigh(attachmentIds).setLow(attachmentIds++)).build();
    }
    return checked;
  }

  /** The merged resource of a Patch/Update/SetLabels; fields that cannot change are compared with {@code before}. */
  Message forChange(ResourcePath path, Message before, Message given, String operationType) {
    Message after = References.normalized(given, path.project());
    for (String field : List.of("name", "network_endpoint_type", "target_service", "ip_cidr_range", "network")) {
      requireUnchanged(before, after, field, path);
    }
    if (before instanceof ForwardingRule && operationType.equals("patch")) {
      // Compute patches only these fields of a forwarding rule; labels have setLabels, the target setTarget.
      Set<String> patchable = Set.of("network_tier", "allow_global_access", "allow_psc_global_access");
      for (FieldDescriptor field : before.getDescriptorForType().getFields()) {
        if (!patchable.contains(field.getName()) && !ServerFields.OUTPUT_ONLY.contains(field.getName())
            && !Objects.equals(before.getField(field), after.getField(field))) {
          throw ComputeError.invalidField("resource." + field.getJsonName(), after.getField(field),
              "Only networkTier, allowGlobalAccess and allowPscGlobalAccess of a forwarding rule can be patched.");
        }
      }
    }
    return checked(path, after, before);
  }

  private static void requireUnchanged(Message before, Message after, String name, ResourcePath path) {
    FieldDescriptor field = before.getDescriptorForType().findFieldByName(name);
    if (field == null || field.isRepeated() || !before.hasField(field)) {
      return;
    }
    Object was = before.getField(field);
    Object now = after.getField(field);
    boolean same = was.equals(now) || (was instanceof String a && now instanceof String b
        && ResourcePath.parse(a, path.project()).isPresent() && ResourcePath.parse(a, path.project()).equals(ResourcePath.parse(b, path.project())));
    if (!same) {
      throw ComputeError.invalidField("resource." + field.getJsonName(), now, "The field cannot be changed on an existing "
          + Messages.snake(before.getDescriptorForType().getName()) + " (was '" + was + "').");
    }
  }

  void beforeDelete(ResourcePath path, Message resource) {
    String kind = Messages.snake(resource.getDescriptorForType().getName());
    Optional<ResourcePath> user = refs.userOf(path);
    if (user.isEmpty() && path.collection().equals("instances")) {
      user = endpoints.groupUsing(path);
    }
    if (user.isPresent()) {
      throw ComputeError.inUse(kind, path.path(), user.get().path());
    }
  }

  /** {@code before} is the stored resource when it changes (null on insert): references it already had may dangle, as a closed PSC endpoint's target does. */
  private Message checked(ResourcePath path, Message resource, Message before) {
    EnumValues.check(resource, "resource");
    labels(resource);
    refs.requireTargetsExist(resource, path.project(), before);
    Message out = switch (resource) {
      case Network n -> VpcRules.network(n);
      case Subnetwork s -> vpc.subnetwork(path, s);
      case Instance i -> vpc.instance(path, i);
      case NetworkEndpointGroup g -> loadBalancing.networkEndpointGroup(path, g);
      case BackendService b -> loadBalancing.backendService(path, b);
      case ForwardingRule f -> loadBalancing.forwardingRule(path, f, before == null);
      case ServiceAttachment a -> loadBalancing.serviceAttachment(path, a);
      case Firewall f -> firewalls.firewall(path, f);
      default -> resource;
    };
    return References.normalized(out, path.project());
  }

  /** Compute's label rules: lowercase keys starting with a letter, lowercase values, at most 64 labels. */
  private static void labels(Message resource) {
    Map<String, String> labels = ServerFields.labelsOf(resource);
    if (labels.size() > 64) {
      throw ComputeError.invalidField("resource.labels", labels.size() + " labels", "At most 64 labels are allowed.");
    }
    labels.forEach((key, value) -> {
      if (!LABEL_KEY.matcher(key).matches()) {
        throw ComputeError.invalidField("resource.labels", key, "Label keys start with a lowercase letter and hold at most 63"
            + " lowercase letters, digits, '_' and '-'.");
      }
      if (!LABEL_VALUE.matcher(value).matches()) {
        throw ComputeError.invalidField("resource.labels." + key, value, "Label values hold at most 63 lowercase letters,"
            + " digits, '_' and '-'.");
      }
    });
  }
}
