package io.privateendpoint.operator.cloud.gcp;

import com.google.api.gax.rpc.ApiException;
import org.slf4j.LoggerFactory;
import com.google.api.gax.rpc.NotFoundException;
import com.google.api.gax.rpc.PermissionDeniedException;
import com.google.api.gax.rpc.UnauthenticatedException;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.NetworkEndpoint;
import com.google.cloud.compute.v1.Subnetwork;
import io.privateendpoint.operator.cloud.CloudPushback;
import io.privateendpoint.operator.apply.ChangeRecordingStep;
import io.privateendpoint.operator.apply.Changes;
import io.privateendpoint.operator.model.BrokerStatus;
import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.GcpSpec;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.PlannedBroker;
import io.privateendpoint.operator.plan.PortTarget;
import io.privateendpoint.operator.plan.Provider;
import io.privateendpoint.operator.status.ConditionReport;
import io.privateendpoint.operator.status.ConditionType;
import io.privateendpoint.operator.status.EventRecorder;
import io.privateendpoint.operator.status.StepOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeSet;
import java.util.SortedSet;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Google Cloud Private Service Connect for one endpoint, in dependency order: the PSC NAT subnet,
 * the port-mapping NEG and its endpoints, the internal passthrough load balancer (backend service +
 * forwarding rule), the service attachment, the ingress firewall rule. Every step reads first and
 * writes only what differs, so a steady-state pass makes no mutating call; teardown runs in the
 * reverse order Compute enforces. Every mutating call is one {@link io.privateendpoint.operator.apply.Change}
 * (an INFO line, and an event when the pass ends); {@link #preview} runs the same path and makes none.
 */
public final class GcpEndpointProvisioner implements ChangeRecordingStep {

  private final GcpClients clients;
  private final String clusterName;

  /** Reason of EndpointServiceReady (True) and of the Warning event when a deleted service attachment was made again. */
  public static final String REPLACED = "ServiceAttachmentReplaced";

  private final EventRecorder events;

  public GcpEndpointProvisioner(GcpClients clients, String clusterName) {
    this(clients, clusterName, null);
  }

  /** @param events where every change made to Compute is told (one event per change, drift as Recreated or Repaired); null for none */
  public GcpEndpointProvisioner(GcpClients clients, String clusterName, EventRecorder events) {
    this.clients = clients;
    this.clusterName = clusterName;
    this.events = events;
  }

  @Override
  public EventRecorder events() {
    return events;
  }

  /**
   * One pass, applying or previewing. Previewing, with every read it makes and no mutating Compute
   * call: a resource it would create stands in for itself (its name and self link; what Compute would
   * give it, an IP or an id, is not known), and its children are shown created too.
   */
  @Override
  public StepOutcome pass(KafkaPrivateEndpoint resource, EndpointPlan plan, Changes changes) {
    if (plan.provider() != Provider.GCP) {
      return StepOutcome.of();
    }
    GcpSpec gcp = resource.getSpec().getGcp();
    GcpOwner owner = GcpOwner.of(resource, clusterName);
    GcpNames names = GcpNames.of(resource);
    // The NAT subnet comes first: if it is someone else's, nothing at all is created.
    Subnetwork natSubnet;
    PortMapNegSynthesizer.Result neg;
    LoadBalancerSynthesizer.Result lb;
    try {
      natSubnet = new NatSubnetSynthesizer(clients.subnetworks(), gcp, owner).sync(changes);
    } catch (GcpProblem p) {
      return StepOutcome.halt(ConditionReport.isFalse(ConditionType.ENDPOINT_SERVICE_READY, p.reason, p.getMessage()));
    } catch (ApiException e) {
      return StepOutcome.halt(refused(e, ConditionType.ENDPOINT_SERVICE_READY, "PSC NAT subnet " + gcp.getPscNatSubnet().getName()));
    }
    try {
      neg = new PortMapNegSynthesizer(clients.negs(), gcp, owner, names.neg()).sync(plan, changes, shownBrokers(resource));
      lb = new LoadBalancerSynthesizer(clients.backendServices(), clients.forwardingRules(), gcp, owner, names)
          .sync(neg.neg().getSelfLink(), changes);
    } catch (GcpProblem p) {
      return StepOutcome.halt(ConditionReport.isFalse(ConditionType.LOAD_BALANCER_READY, p.reason, p.getMessage()));
    } catch (ApiException e) {
      return StepOutcome.halt(refused(e, ConditionType.LOAD_BALANCER_READY, "load balancer " + names.base()));
    }
    ServiceAttachmentSynthesizer.Result attachment;
    Firewall firewall;
    try {
      attachment = new ServiceAttachmentSynthesizer(clients.serviceAttachments(), gcp, owner, names.serviceAttachment())
          .sync(lb.forwardingRule().getSelfLink(), natSubnet.getSelfLink(), changes, published(resource) != null);
      firewall = new FirewallSynthesizer(clients.firewalls(), gcp, owner, names.firewall()).sync(firewallPorts(plan), changes);
    } catch (GcpProblem p) {
      return StepOutcome.halt(loadBalancerReady(lb, neg), ConditionReport.isFalse(ConditionType.ENDPOINT_SERVICE_READY, p.reason,
          p.getMessage()));
    } catch (ApiException e) {
      return StepOutcome.halt(loadBalancerReady(lb, neg), refused(e, ConditionType.ENDPOINT_SERVICE_READY,
          "service attachment " + names.serviceAttachment()));
    }
    ConditionReport replaced = replaced(resource, attachment);
    if (attachment.recreated()) {
      changes.warning(REPLACED, replaced.message());
    }
    return outcome(plan, neg, lb, attachment, natSubnet, firewall, replaced);
  }

  /** The brokers as the last status showed them (their ports, targets and whether they were mapped). */
  private static List<BrokerStatus> shownBrokers(KafkaPrivateEndpoint resource) {
    return resource.getStatus() == null || resource.getStatus().getBrokers() == null ? List.of()
        : resource.getStatus().getBrokers();
  }

  private static String published(KafkaPrivateEndpoint resource) {
    return resource.getStatus() == null ? null : resource.getStatus().getServiceAttachment();
  }

  /**
   * EndpointServiceReady while the attachment in use replaces the one consumers connected to: True
   * (it is published) with reason {@value #REPLACED}, naming the old and the new attachment (the
   * same path: the name is the operator's; a new id). The consumers' endpoints to the old one are
   * closed for good. It is told from the attachment's creation time, later than the time the last
   * status saw it published, so a crash between the re-create and the status write still tells
   * it; it stays until a consumer connects to the new attachment or the spec changes. Null when
   * there is nothing to tell.
   */
  private static ConditionReport replaced(KafkaPrivateEndpoint resource, ServiceAttachmentSynthesizer.Result attachment) {
    String old = published(resource);
    EndpointCondition previous = Changes.previous(resource, ConditionType.ENDPOINT_SERVICE_READY);
    boolean sameSpec = java.util.Objects.equals(resource.getStatus() == null ? null : resource.getStatus().getObservedGeneration(),
        resource.getMetadata().getGeneration());
    if (old == null || previous == null || !"True".equals(previous.getStatus())) {
      return null;
    }
    boolean told = REPLACED.equals(previous.getReason()) && previous.getMessage() != null
        && previous.getMessage().contains("id " + attachment.attachment().getId() + ",");
    if (!attachment.recreated() && told) {
      return attachment.connections().isEmpty() && sameSpec
          ? ConditionReport.isTrue(ConditionType.ENDPOINT_SERVICE_READY, REPLACED, previous.getMessage()) : null;
    }
    if (!attachment.recreated() && !newerThan(attachment.attachment().getCreationTimestamp(), previous.getLastTransitionTime())) {
      return null;
    }
    return ConditionReport.isTrue(ConditionType.ENDPOINT_SERVICE_READY, REPLACED, "service attachment " + old
        + " was deleted out of band and is replaced by " + attachment.path() + " (id " + attachment.attachment().getId()
        + ", created " + attachment.attachment().getCreationTimestamp() + "): consumers' endpoints to the old one are"
        + " closed; consumers must create a new PSC endpoint to " + attachment.path());
  }

  private static boolean newerThan(String created, String published) {
    try {
      // The status's times are whole seconds, Compute's are not: an attachment made in the second the
      // condition turned True is that attachment, not a later one.
      return java.time.OffsetDateTime.parse(created).toInstant()
          .isAfter(java.time.Instant.parse(published).plusSeconds(2));
    } catch (RuntimeException unparsable) {
      return false;
    }
  }

  /**
   * One read of the spec's network with the operator's credentials (compute.networks.get), before
   * anything is applied: missing credentials, a missing permission or a wrong project or network are
   * said here, and no broker is restarted for an endpoint Compute would refuse.
   */
  @Override
  public ConditionReport checkAccess(KafkaPrivateEndpoint resource) {
    GcpSpec gcp = resource.getSpec().getGcp();
    if (gcp == null) {
      return null;
    }
    String what = "network " + ComputeOps.networkPath(gcp.getProject(), gcp.getNetwork());
    try {
      Network network = clients.networks().get(gcp.getProject(), gcp.getNetwork());
      List<String> problems = GcpPreflight.problems(clients, gcp, network, GcpOwner.of(resource, clusterName));
      if (!problems.isEmpty()) {
        return ConditionReport.isFalse(ConditionType.CLOUD_ACCESS, "SpecMismatch", String.join("; ", problems));
      }
      return ConditionReport.isTrue(ConditionType.CLOUD_ACCESS, "Granted", "read " + what + " ("
          + (network.getAutoCreateSubnetworks() ? "auto" : "custom") + " mode) with the operator's credentials");
    } catch (NotFoundException e) {
      return ConditionReport.isFalse(ConditionType.CLOUD_ACCESS, "NetworkNotFound", "spec.gcp.network: " + what
          + " does not exist (or spec.gcp.project is wrong): " + ComputeOps.detail(e));
    } catch (PermissionDeniedException | UnauthenticatedException e) {
      if (ComputeOps.pushback(e) != null) { // a 403 rateLimitExceeded: a rate quota, not a missing permission
        return pushedBack(e, ComputeOps.pushback(e), ConditionType.CLOUD_ACCESS, what);
      }
      return ConditionReport.isFalse(ConditionType.CLOUD_ACCESS, e instanceof PermissionDeniedException ? "AccessDenied"
          : "InvalidCredentials", "reading " + what + " failed: " + ComputeOps.detail(e) + "; grant the operator's service"
          + " account the custom role in config/gcp/iam-role.yaml (with GKE Workload Identity)");
    } catch (ApiException e) {
      CloudPushback.Kind pushback = ComputeOps.pushback(e);
      if (pushback != null) {
        return pushedBack(e, pushback, ConditionType.CLOUD_ACCESS, what);
      }
      return ConditionReport.isFalse(ConditionType.CLOUD_ACCESS, "Unreachable", "reading " + what + " failed: "
          + ComputeOps.detail(e));
    } catch (RuntimeException e) {
      // Google's default chain throws (IOException wrapped) when it finds no credentials at all.
      return ConditionReport.isFalse(ConditionType.CLOUD_ACCESS, "NoCredentials", "reading " + what + " failed: "
          + e.getMessage() + "; the operator found no Google credentials: on GKE annotate its ServiceAccount with"
          + " iam.gke.io/gcp-service-account (Workload Identity)");
    }
  }

  @Override
  public List<String> leftovers(KafkaPrivateEndpoint resource) {
    GcpSpec gcp = resource.getSpec().getGcp();
    if (gcp == null) {
      return List.of();
    }
    GcpNames names = GcpNames.of(resource);
    String region = "projects/" + gcp.getProject() + "/regions/" + gcp.getRegion();
    return List.of("service attachment " + region + "/serviceAttachments/" + names.serviceAttachment(),
        "forwarding rule " + region + "/forwardingRules/" + names.forwardingRule(),
        "backend service " + region + "/backendServices/" + names.backendService(),
        "network endpoint group " + region + "/networkEndpointGroups/" + names.neg(),
        "PSC NAT subnet " + region + "/subnetworks/" + gcp.getPscNatSubnet().getName() + " (if this endpoint made it)",
        "firewall rule projects/" + gcp.getProject() + "/global/firewalls/" + names.firewall());
  }

  /**
   * A request Compute refused (a bad value, a missing permission, a missing network) becomes a
   * condition naming it; anything else (unavailable, timeouts) is thrown, so the pass is retried.
   */
  private static ConditionReport refused(ApiException e, String type, String what) {
    CloudPushback.Kind pushback = ComputeOps.pushback(e);
    if (pushback != null) {
      return pushedBack(e, pushback, type, what);
    }
    if (!ComputeOps.refusal(e)) {
      throw e;
    }
    String status = e.getStatusCode() == null ? "" : String.valueOf(e.getStatusCode().getCode());
    return ConditionReport.isFalse(type, "ComputeRefused", "Compute refused a request for " + what + " (" + status + "): "
        + ComputeOps.detail(e));
  }


  /** Compute kept throttling, or being unavailable for, a request for {@code what} through gax's retries. */
  private static ConditionReport pushedBack(ApiException e, CloudPushback.Kind kind, String type, String what) {
    return CloudPushback.condition(type, "Compute", kind, "a request for " + what, e.getStatusCode().getCode() + ": "
        + ComputeOps.detail(e));
  }

  private static ConditionReport loadBalancerReady(LoadBalancerSynthesizer.Result lb, PortMapNegSynthesizer.Result neg) {
    return ConditionReport.isTrue(ConditionType.LOAD_BALANCER_READY, "Ready", "internal passthrough load balancer: forwarding rule "
        + lb.forwardingRule().getName() + " (" + lb.forwardingRule().getIPAddress() + ", all ports) → backend service "
        + lb.backendService().getName() + " → port-mapping NEG " + neg.neg().getName() + " with "
        + neg.attached().size() + " endpoints");
  }

  private static StepOutcome outcome(EndpointPlan plan, PortMapNegSynthesizer.Result neg, LoadBalancerSynthesizer.Result lb,
      ServiceAttachmentSynthesizer.Result attachment, Subnetwork natSubnet, Firewall firewall, ConditionReport replaced) {
    ConditionReport published = replaced != null ? replaced : ConditionReport.isTrue(ConditionType.ENDPOINT_SERVICE_READY, "Published", "service attachment "
        + attachment.path() + " (ACCEPT_MANUAL for " + attachment.attachment().getConsumerAcceptListsList().stream()
        .map(a -> a.getProjectIdOrNum()).collect(Collectors.joining(", ")) + ") NATs through subnet " + natSubnet.getName()
        + " " + natSubnet.getIpCidrRange() + "; firewall rule " + firewall.getName() + " admits tcp:"
        + String.join(",", FirewallSynthesizer.ranges(firewallPorts(plan)))
        + " from it only");
    // A port-mapping NEG takes no health check, so what can be verified is the mapping itself: every
    // broker port (the bootstrap ports among them) maps to the broker the plan says, as Compute reports it.
    Map<Integer, String> health = new LinkedHashMap<>();
    List<String> wrong = new ArrayList<>();
    for (PlannedBroker b : plan.brokers()) {
      boolean mapped = mapsTo(neg, b.port(), plan);
      health.put(b.nodeId(), mapped ? "mapped" : "unmapped");
      if (!mapped) {
        wrong.add("broker " + b.nodeId() + " port " + b.port());
      }
    }
    ConditionReport verified = wrong.isEmpty()
        ? ConditionReport.isTrue(ConditionType.VERIFIED, "EndpointsMapped", "every broker port and bootstrap port ("
            + plan.bootstrapPortList() + ") maps to its broker's pod in NEG " + neg.neg().getName()
            + " (port-mapping NEGs take no health checks)")
        : ConditionReport.isFalse(ConditionType.VERIFIED, "EndpointsNotMapped", String.join(", ", wrong) + " not mapped");
    return new StepOutcome(List.of(loadBalancerReady(lb, neg), published, verified), null, attachment.path(),
        attachment.connections(), health);
  }

  /** The ports the NEG's targets listen on, and always the listener's own port (so the rule never lacks a port). */
  private static SortedSet<Integer> firewallPorts(EndpointPlan plan) {
    SortedSet<Integer> ports = new TreeSet<>(plan.targetPorts());
    ports.add(plan.containerPort());
    return ports;
  }

  /** The port is attached to the target the plan puts behind it (its IP and port). */
  private static boolean mapsTo(PortMapNegSynthesizer.Result neg, int clientPort, EndpointPlan plan) {
    NetworkEndpoint e = neg.attached().get(clientPort);
    List<PortTarget> targets = plan.targetsOf(clientPort);
    return e != null && !targets.isEmpty() && targets.get(0).ip() != null
        && e.getIpAddress().equals(targets.get(0).ip()) && e.getPort() == targets.get(0).port();
  }

  /**
   * Reverse dependency order, as Compute enforces it (a resource still used by the next one up is
   * refused as in use): service attachment → forwarding rule → backend service → NEG → NAT subnet
   * (only if ours) → firewall. Resources that are not ours are skipped, never deleted. True once
   * nothing of ours is left.
   */
  @Override
  public boolean cleanup(KafkaPrivateEndpoint resource) {
    if (resource.getSpec().getGcp() == null) {
      return true;
    }
    try {
      return delete(resource);
    } catch (ApiException e) {
      // Throttling, 5xx, a lost answer: not a blocked delete (that is for what Compute will keep refusing),
      // only one not finished yet; the next pass picks up where this one stopped.
      if (ComputeOps.pushback(e) == null) {
        throw e;
      }
      LoggerFactory.getLogger(GcpEndpointProvisioner.class).info("deleting the Google Cloud side of {}/{} met a passing"
          + " error, trying again: {}", resource.getMetadata().getNamespace(), resource.getMetadata().getName(), e.getMessage());
      return false;
    }
  }

  private boolean delete(KafkaPrivateEndpoint resource) {
    GcpSpec gcp = resource.getSpec().getGcp();
    GcpOwner owner = GcpOwner.of(resource, clusterName);
    GcpNames names = GcpNames.of(resource);
    var lb = new LoadBalancerSynthesizer(clients.backendServices(), clients.forwardingRules(), gcp, owner, names);
    // Each delete made is logged at INFO (and told as an event, best effort, while the endpoint still exists).
    Changes changes = Changes.applying(resource);
    try {
      boolean done = new ServiceAttachmentSynthesizer(clients.serviceAttachments(), gcp, owner, names.serviceAttachment())
          .delete(changes)
          && lb.deleteForwardingRule(changes)
          && lb.deleteBackendService(changes)
          && new PortMapNegSynthesizer(clients.negs(), gcp, owner, names.neg()).delete(changes)
          && new NatSubnetSynthesizer(clients.subnetworks(), gcp, owner).delete(changes);
      // The firewall depends on nothing above; it goes last so traffic is admitted until the path is gone.
      return done && new FirewallSynthesizer(clients.firewalls(), gcp, owner, names.firewall()).delete(changes);
    } finally {
      changes.emit(events, resource);
    }
  }
}
