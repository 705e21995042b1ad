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

  Result sync(String forwardingRuleSelfLink, String natSubnetSelfLink) {
    return sync(forwardingRuleSelfLink, natSubnetSelfLink, Changes.untold(), false);
  }

  /**
   * As above, recording repairs. A deleted attachment is made again with the spec's accept list
   * (consumers' endpoints to the old one are closed for good and must be made again).
   *
   * @param published whether the last status already published an attachment (so a missing one was deleted)
   */
  Result sync(String forwardingRuleSelfLink, String natSubnetSelfLink, Changes repairs, boolean published) {
    List<ServiceAttachmentConsumerProjectLimit> accept = acceptList();
    ServiceAttachment attachment = find();
    boolean created = attachment == null;
    if (attachment == null) {
      ComputeOps.insert(() -> attachments.insertAsync(gcp.getProject(), gcp.getRegion(), ServiceAttachment.newBuilder()
          .setName(name).setTargetService(forwardingRuleSelfLink).setConnectionPreference(PREFERENCE)
          .addNatSubnets(natSubnetSelfLink).addAllConsumerAcceptLists(accept).setEnableProxyProtocol(false)
          .setDescription(owner.description()).build()));
      attachment = find();
      if (owner.ownsDescription(attachment.getDescription())) {
        repairs.recreated("service attachment", ComputeOps.path(attachment.getSelfLink()) + " (id " + attachment.getId() + ")");
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
      ComputeOps.change(() -> attachments.patchAsync(gcp.getProject(), gcp.getRegion(), name, patch.build()),
          () -> right(find(), natSubnetSelfLink, accept));
      repairs.repaired("service attachment", ComputeOps.path(attachment.getSelfLink()), "accept list, NAT subnet and"
          + " connection preference set back to the spec");
      attachment = find();
    }
    return new Result(attachment, connections(attachment), created && published);
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

  boolean delete() {
    ServiceAttachment attachment = find();
    if (attachment == null || !owner.ownsDescription(attachment.getDescription())) {
      return true;
    }
    return ComputeOps.delete(() -> attachments.deleteAsync(gcp.getProject(), gcp.getRegion(), name));
  }
}
