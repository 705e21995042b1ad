package io.privateendpoint.operator.cloud.gcp;

import io.privateendpoint.operator.apply.Changes;

import com.google.cloud.compute.v1.ServiceAttachment;
import com.google.cloud.compute.v1.ServiceAttachmentConnectedEndpoint;
import com.google.cloud.compute.v1.ServiceAttachmentConsumerProjectLimit;
import com.google.cloud.compute.v1.ServiceAttachmentsClient;
import io.privateendpoint.operator.model.ConnectionStatus;
import io.privateendpoint.operator.model.ConsumerProject;
import io.privateendpoint.operator.model.GcpSpec;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The service attachment that publishes the forwarding rule: manual acceptance, the consumer
 * projects of spec.gcp.consumerProjects (with their connection limits) as its accept list, the PSC
 * NAT subnet. A changed accept list is one patch, in place: consumers already connected stay.
 */
final class ServiceAttachmentSynthesizer {

  static final String PREFERENCE = "ACCEPT_MANUAL";

  private final ServiceAttachmentsClient attachments;
  private final GcpSpec gcp;
  private final GcpOwner owner;
  private final String name;

  ServiceAttachmentSynthesizer(ServiceAttachmentsClient attachments, GcpSpec gcp, GcpOwner owner, String name) {
    this.attachments = attachments;
    this.gcp = gcp;
    this.owner = owner;
    this.name = name;
  }

  /** @param recreated whether this pass made the attachment again after it had been published (deleted out of band) */
  record Result(ServiceAttachment attachment, List<ConnectionStatus> connections, boolean recreated) {

    Result(ServiceAttachment attachment, List<ConnectionStatus> connections) {
      this(attachment, connections, false);
    }

    /** projects/…/regions/…/serviceAttachments/…, as the consumer's console takes it. */
    String path() {
      return ComputeOps.path(attachment.getSelfLink());
    }
  }

  /**
   * The service attachment, each change recorded in {@code changes}. A deleted attachment is made
   * again with the spec's accept list (consumers' endpoints to the old one are closed for good and
   * must be made again).
   *
   * @param published whether the last status already published an attachment (so a missing one was deleted)
   */
  Result sync(String forwardingRuleSelfLink, String natSubnetSelfLink, Changes changes, boolean published) {
    List<ServiceAttachmentConsumerProjectLimit> accept = acceptList();
    ServiceAttachment attachment = find();
    boolean created = attachment == null;
    if (attachment == null) {
      ServiceAttachment desired = ServiceAttachment.newBuilder()
          .setName(name).setTargetService(forwardingRuleSelfLink).setConnectionPreference(PREFERENCE)
          .addNatSubnets(natSubnetSelfLink).addAllConsumerAcceptLists(accept).setEnableProxyProtocol(false)
          .setDescription(owner.description()).build();
      if (changes.previewing()) {
        // Its id is Compute's to give: not known before it exists.
        attachment = desired.toBuilder().setSelfLink(ComputeOps.regionalSelfLink(gcp.getProject(), gcp.getRegion(),
            "serviceAttachments", name)).build();
        changes.recreated(KIND, ComputeOps.path(attachment.getSelfLink()));
        return new Result(attachment, List.of(), published);
      }
      ComputeOps.insert(() -> attachments.insertAsync(gcp.getProject(), gcp.getRegion(), desired));
      attachment = find();
      if (owner.ownsDescription(attachment.getDescription())) {
        changes.recreated(KIND, ComputeOps.path(attachment.getSelfLink()) + " (id " + attachment.getId() + ")");
      }
    }
    if (!owner.ownsDescription(attachment.getDescription())) {
      throw GcpProblem.notOurs("service attachment", name, null);
    }
    if (!ComputeOps.same(attachment.getTargetService(), forwardingRuleSelfLink)) {
      throw new GcpProblem("ServiceAttachmentMismatch", "service attachment " + name + " publishes "
          + attachment.getTargetService() + ", not forwarding rule " + ComputeOps.path(forwardingRuleSelfLink)
          + "; its target cannot change in place");
    }
    boolean natRight = attachment.getNatSubnetsCount() == 1 && ComputeOps.same(attachment.getNatSubnets(0), natSubnetSelfLink);
    if (!right(attachment, natSubnetSelfLink, accept)) {
      // One patch carries every repaired field; the fingerprint makes a concurrent edit fail instead of being overwritten.
      ServiceAttachment.Builder patch = ServiceAttachment.newBuilder().setFingerprint(attachment.getFingerprint())
          .setConnectionPreference(PREFERENCE).addAllConsumerAcceptLists(accept);
      if (!natRight) {
        patch.addNatSubnets(natSubnetSelfLink);
      }
      String what = differences(attachment, natSubnetSelfLink, accept);
      if (changes.previewing()) {
        changes.repaired(KIND, ComputeOps.path(attachment.getSelfLink()), what);
        ServiceAttachment.Builder patched = attachment.toBuilder().setConnectionPreference(PREFERENCE)
            .clearConsumerAcceptLists().addAllConsumerAcceptLists(accept);
        if (!natRight) {
          patched.clearNatSubnets().addNatSubnets(natSubnetSelfLink);
        }
        attachment = patched.build();
      } else {
        ComputeOps.change(() -> attachments.patchAsync(gcp.getProject(), gcp.getRegion(), name, patch.build()),
            () -> right(find(), natSubnetSelfLink, accept));
        changes.repaired(KIND, ComputeOps.path(attachment.getSelfLink()), what);
        attachment = find();
      }
    }
    return new Result(attachment, connections(attachment), created && published);
  }

  /** How changes name it. */
  static final String KIND = "service attachment";

  /** What a patch puts right: "accept list a=10 → a=10, b=5", the NAT subnet, the connection preference. */
  static String differences(ServiceAttachment attachment, String natSubnetSelfLink,
      List<ServiceAttachmentConsumerProjectLimit> accept) {
    List<String> what = new java.util.ArrayList<>();
    Map<String, Integer> had = limits(attachment.getConsumerAcceptListsList());
    Map<String, Integer> wanted = limits(accept);
    if (!had.equals(wanted)) {
      what.add("accept list " + listed(had) + " → " + listed(wanted));
    }
    if (attachment.getNatSubnetsCount() != 1 || !ComputeOps.same(attachment.getNatSubnets(0), natSubnetSelfLink)) {
      what.add("NAT subnet " + ComputeOps.path(natSubnetSelfLink));
    }
    if (!PREFERENCE.equals(attachment.getConnectionPreference())) {
      what.add("connection preference " + attachment.getConnectionPreference() + " → " + PREFERENCE);
    }
    return String.join("; ", what);
  }

  private static String listed(Map<String, Integer> limits) {
    return limits.isEmpty() ? "(empty)" : limits.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", "));
  }

  /** NAT subnet, accept list and connection preference as the spec says. */
  private static boolean right(ServiceAttachment attachment, String natSubnetSelfLink,
      List<ServiceAttachmentConsumerProjectLimit> accept) {
    return attachment != null && attachment.getNatSubnetsCount() == 1 && ComputeOps.same(attachment.getNatSubnets(0), natSubnetSelfLink)
        && limits(attachment.getConsumerAcceptListsList()).equals(limits(accept))
        && PREFERENCE.equals(attachment.getConnectionPreference());
  }

  private List<ServiceAttachmentConsumerProjectLimit> acceptList() {
    return gcp.getConsumerProjects().stream().sorted(Comparator.comparing(ConsumerProject::getProject))
        .map(c -> ServiceAttachmentConsumerProjectLimit.newBuilder().setProjectIdOrNum(c.getProject())
            .setConnectionLimit(c.getConnectionLimit() == null ? 10 : c.getConnectionLimit()).build())
        .toList();
  }

  private static Map<String, Integer> limits(List<ServiceAttachmentConsumerProjectLimit> list) {
    return list.stream().collect(Collectors.toMap(ServiceAttachmentConsumerProjectLimit::getProjectIdOrNum,
        ServiceAttachmentConsumerProjectLimit::getConnectionLimit, (a, b) -> a, TreeMap::new));
  }

  /** Each consumer endpoint: its PSC connection id, the project its forwarding rule lives in, its status. */
  static List<ConnectionStatus> connections(ServiceAttachment attachment) {
    return attachment.getConnectedEndpointsList().stream()
        .sorted(Comparator.comparingLong(ServiceAttachmentConnectedEndpoint::getPscConnectionId))
        .map(e -> new ConnectionStatus(String.valueOf(e.getPscConnectionId()), project(e.getEndpoint()), e.getStatus()))
        .toList();
  }

  private static String project(String endpointUrl) {
    String path = ComputeOps.path(endpointUrl);
    String[] parts = path.split("/");
    return parts.length > 1 && "projects".equals(parts[0]) ? parts[1] : endpointUrl;
  }

  ServiceAttachment find() {
    return ComputeOps.getOrNull(() -> attachments.get(gcp.getProject(), gcp.getRegion(), name));
  }

  boolean delete(Changes changes) {
    ServiceAttachment attachment = find();
    if (attachment == null || !owner.ownsDescription(attachment.getDescription())) {
      return true;
    }
    boolean gone = ComputeOps.delete(() -> attachments.deleteAsync(gcp.getProject(), gcp.getRegion(), name));
    if (gone) {
      changes.deleted(KIND, ComputeOps.path(attachment.getSelfLink()), "endpoint deleted");
    }
    return gone;
  }
}
