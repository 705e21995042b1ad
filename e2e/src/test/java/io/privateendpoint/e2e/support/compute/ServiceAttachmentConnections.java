package io.privateendpoint.e2e.support.compute;

import com.google.cloud.compute.v1.ForwardingRule;
import com.google.cloud.compute.v1.ServiceAttachment;
import com.google.cloud.compute.v1.ServiceAttachmentConnectedEndpoint;
import com.google.cloud.compute.v1.ServiceAttachmentConsumerProjectLimit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PSC consumers, simulated: a forwarding rule (in any project) whose target is a service attachment
 * is a consumer endpoint. It becomes one of the attachment's connectedEndpoints, ACCEPTED when the
 * attachment accepts automatically or lists the consumer's project (or network) in
 * consumerAcceptLists within its connectionLimit, REJECTED when the project is in
 * consumerRejectLists, PENDING otherwise; the rule's pscConnectionStatus says the same. Patching the
 * attachment re-decides PENDING and REJECTED connections (accepted ones stay, as in Compute);
 * deleting the rule removes its connection; deleting the attachment CLOSEs its consumers' rules.
 * A connectionLimit that is not set means no limit.
 */
final class ServiceAttachmentConnections {

  private final ResourceStore store;
  private final AtomicLong connectionIds = new AtomicLong(70_000_000_000_001L);

  ServiceAttachmentConnections(ResourceStore store) {
    this.store = store;
  }

  static Optional<ResourcePath> attachmentOf(ResourcePath rulePath, ForwardingRule rule) {
    return rule.getTarget().isEmpty() ? Optional.empty()
        : ResourcePath.parse(rule.getTarget(), rulePath.project()).filter(p -> p.collection().equals("serviceAttachments"));
  }

  /** A consumer rule was stored: connect it and record its status on both sides. */
  void connect(ResourcePath rulePath, ForwardingRule rule) {
    Optional<ResourcePath> attachmentPath = attachmentOf(rulePath, rule);
    if (attachmentPath.isEmpty()) {
      return;
    }
    ServiceAttachment attachment = (ServiceAttachment) store.require(attachmentPath.get());
    long id = connectionIds.getAndIncrement();
    String network = ResourcePath.parse(rule.getNetwork(), rulePath.project()).map(ResourcePath::selfLink).orElse(rule.getNetwork());
    ServiceAttachmentConnectedEndpoint endpoint = ServiceAttachmentConnectedEndpoint.newBuilder()
        .setEndpoint(rulePath.selfLink()).setEndpointWithId(ResourcePath.API + rulePath.collectionPath() + "/" + rule.getId())
        .setPscConnectionId(id).setConsumerNetwork(network)
        .setStatus(decide(attachment, rulePath.project(), network, attachment.getConnectedEndpointsList())).build();
    store.put(attachmentPath.get(), attachment.toBuilder().addConnectedEndpoints(endpoint).build());
    store.put(rulePath, rule.toBuilder().setPscConnectionId(id).setPscConnectionStatus(endpoint.getStatus()).build());
  }

  /** After a patch of the attachment: pending and rejected connections are decided again. */
  void redecide(ResourcePath attachmentPath) {
    ServiceAttachment attachment = (ServiceAttachment) store.require(attachmentPath);
    List<ServiceAttachmentConnectedEndpoint> decided = new ArrayList<>();
    List<ServiceAttachmentConnectedEndpoint> sorted = new ArrayList<>(attachment.getConnectedEndpointsList());
    sorted.sort(Comparator.comparingLong(ServiceAttachmentConnectedEndpoint::getPscConnectionId));
    Map<String, String> changed = new HashMap<>();
    for (ServiceAttachmentConnectedEndpoint e : sorted) {
      String project = ResourcePath.parse(e.getEndpoint(), null).map(ResourcePath::project).orElse("");
      String status = e.getStatus();
      if (rejected(attachment, project)) {
        status = "REJECTED";
      } else if (!status.equals("ACCEPTED")) {
        status = decide(attachment, project, e.getConsumerNetwork(), decided);
      }
      if (!status.equals(e.getStatus())) {
        changed.put(e.getEndpoint(), status);
      }
      decided.add(e.toBuilder().setStatus(status).build());
    }
    store.put(attachmentPath, attachment.toBuilder().clearConnectedEndpoints().addAllConnectedEndpoints(decided).build());
    changed.forEach((endpoint, status) -> setRuleStatus(endpoint, status));
  }

  /** The consumer rule is being deleted: its connection goes. */
  void disconnect(ResourcePath rulePath, ForwardingRule rule) {
    attachmentOf(rulePath, rule).flatMap(store::get).ifPresent(m -> {
      ServiceAttachment attachment = (ServiceAttachment) m;
      List<ServiceAttachmentConnectedEndpoint> left = attachment.getConnectedEndpointsList().stream()
          .filter(e -> !ResourcePath.parse(e.getEndpoint(), null).equals(Optional.of(rulePath))).toList();
      store.put(attachmentOf(rulePath, rule).get(), attachment.toBuilder().clearConnectedEndpoints().addAllConnectedEndpoints(left).build());
    });
  }

  /** The attachment is being deleted: its consumers' rules stay, CLOSED. */
  void close(ServiceAttachment attachment) {
    attachment.getConnectedEndpointsList().forEach(e -> setRuleStatus(e.getEndpoint(), "CLOSED"));
  }

  private void setRuleStatus(String ruleUrl, String status) {
    ResourcePath.parse(ruleUrl, null).ifPresent(path -> store.get(path).ifPresent(m ->
        store.put(path, ((ForwardingRule) m).toBuilder().setPscConnectionStatus(status).build())));
  }

  private static String decide(ServiceAttachment attachment, String project, String network,
      List<ServiceAttachmentConnectedEndpoint> others) {
    if (rejected(attachment, project)) {
      return "REJECTED";
    }
    if (attachment.getConnectionPreference().equals("ACCEPT_AUTOMATIC")) {
      return "ACCEPTED";
    }
    for (ServiceAttachmentConsumerProjectLimit limit : attachment.getConsumerAcceptListsList()) {
      boolean byProject = limit.getProjectIdOrNum().equals(project);
      boolean byNetwork = !limit.getNetworkUrl().isEmpty() && samePath(limit.getNetworkUrl(), network);
      if (byProject || byNetwork) {
        long accepted = others.stream().filter(e -> e.getStatus().equals("ACCEPTED"))
            .filter(e -> byProject ? projectOf(e).equals(project) : samePath(e.getConsumerNetwork(), network)).count();
        return !limit.hasConnectionLimit() || accepted < limit.getConnectionLimit() ? "ACCEPTED" : "PENDING";
      }
    }
    return "PENDING";
  }

  private static boolean rejected(ServiceAttachment attachment, String project) {
    return attachment.getConsumerRejectListsList().contains(project);
  }

  private static String projectOf(ServiceAttachmentConnectedEndpoint e) {
    return ResourcePath.parse(e.getEndpoint(), null).map(ResourcePath::project).orElse("");
  }

  private static boolean samePath(String a, String b) {
    Optional<ResourcePath> pa = ResourcePath.parse(a, null);
    return pa.isPresent() && pa.equals(ResourcePath.parse(b, null));
  }
}
