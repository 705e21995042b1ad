package io.privateendpoint.operator.cloud.gcp;

import io.privateendpoint.operator.apply.Changes;

import com.google.cloud.compute.v1.Backend;
import com.google.cloud.compute.v1.BackendService;
import com.google.cloud.compute.v1.ForwardingRule;
import com.google.cloud.compute.v1.ForwardingRulesClient;
import com.google.cloud.compute.v1.RegionBackendServicesClient;
import com.google.cloud.compute.v1.RegionSetLabelsRequest;
import io.privateendpoint.operator.model.GcpSpec;
import java.util.Map;

/**
 * The internal passthrough Network Load Balancer in front of the NEG: a regional backend service
 * (INTERNAL, TCP, the NEG as its only backend) and a forwarding rule carrying all ports (a rule's
 * port list holds at most five, and every broker needs its own). The forwarding rule is the one
 * resource here with labels, so its owner is in its labels.
 */
final class LoadBalancerSynthesizer {

  static final String SCHEME = "INTERNAL";
  static final String BALANCING_MODE = "CONNECTION";

  private final RegionBackendServicesClient backendServices;
  private final ForwardingRulesClient forwardingRules;
  private final GcpSpec gcp;
  private final GcpOwner owner;
  private final GcpNames names;

  LoadBalancerSynthesizer(RegionBackendServicesClient backendServices, ForwardingRulesClient forwardingRules, GcpSpec gcp,
      GcpOwner owner, GcpNames names) {
    this.backendServices = backendServices;
    this.forwardingRules = forwardingRules;
    this.gcp = gcp;
    this.owner = owner;
    this.names = names;
  }

  record Result(BackendService backendService, ForwardingRule forwardingRule) {}

  Result sync(String negSelfLink, Changes changes) {
    BackendService service = syncBackendService(negSelfLink, changes);
    return new Result(service, syncForwardingRule(service.getSelfLink(), changes));
  }

  private BackendService syncBackendService(String negSelfLink, Changes changes) {
    Backend backend = Backend.newBuilder().setGroup(negSelfLink).setBalancingMode(BALANCING_MODE).build();
    BackendService service = findBackendService();
    if (service == null) {
      BackendService desired = BackendService.newBuilder()
          .setName(names.backendService()).setLoadBalancingScheme(SCHEME).setProtocol("TCP")
          .setNetwork(ComputeOps.networkPath(gcp.getProject(), gcp.getNetwork()))
          .addBackends(backend).setDescription(owner.description()).build();
      if (changes.previewing()) {
        service = desired.toBuilder().setSelfLink(ComputeOps.regionalSelfLink(gcp.getProject(), gcp.getRegion(),
            "backendServices", names.backendService())).build();
        changes.recreated("backend service", ComputeOps.path(service.getSelfLink()));
        return service;
      }
      ComputeOps.insert(() -> backendServices.insertAsync(gcp.getProject(), gcp.getRegion(), desired));
      service = findBackendService();
      if (owner.ownsDescription(service.getDescription())) {
        changes.recreated("backend service", ComputeOps.path(service.getSelfLink()));
      }
    }
    if (!owner.ownsDescription(service.getDescription())) {
      throw GcpProblem.notOurs("backend service", names.backendService(), null);
    }
    if (!backendsRight(service, negSelfLink)) {
      // Drift: the NEG was detached or another backend added out of band. The fingerprint guards the patch.
      String fingerprint = service.getFingerprint();
      if (changes.previewing()) {
        changes.repaired("backend service", ComputeOps.path(service.getSelfLink()), "its only backend is NEG "
            + ComputeOps.path(negSelfLink) + " again");
        return service.toBuilder().clearBackends().addBackends(backend).build();
      }
      ComputeOps.change(() -> backendServices.patchAsync(gcp.getProject(), gcp.getRegion(), names.backendService(),
          BackendService.newBuilder().addBackends(backend).setFingerprint(fingerprint).build()),
          () -> backendsRight(findBackendService(), negSelfLink));
      changes.repaired("backend service", ComputeOps.path(service.getSelfLink()), "its only backend is NEG "
          + ComputeOps.path(negSelfLink) + " again");
      service = findBackendService();
    }
    return service;
  }

  /** Our NEG as the one backend, balanced as we set it. */
  private static boolean backendsRight(BackendService service, String negSelfLink) {
    return service != null && service.getBackendsCount() == 1 && ComputeOps.same(service.getBackends(0).getGroup(), negSelfLink)
        && BALANCING_MODE.equals(service.getBackends(0).getBalancingMode());
  }

  private ForwardingRule syncForwardingRule(String backendServiceSelfLink, Changes changes) {
    ForwardingRule rule = findForwardingRule();
    if (rule == null) {
      ForwardingRule desired = ForwardingRule.newBuilder()
          .setName(names.forwardingRule()).setLoadBalancingScheme(SCHEME).setIPProtocol("TCP").setAllPorts(true)
          .setBackendService(backendServiceSelfLink)
          .setNetwork(ComputeOps.networkPath(gcp.getProject(), gcp.getNetwork()))
          .setSubnetwork(ComputeOps.subnetworkPath(gcp.getProject(), gcp.getRegion(), gcp.getSubnetwork()))
          .putAllLabels(owner.labels()).setDescription(owner.description()).build();
      if (changes.previewing()) {
        // Its IP address is Compute's to pick: not known before it exists.
        rule = desired.toBuilder().setSelfLink(ComputeOps.regionalSelfLink(gcp.getProject(), gcp.getRegion(),
            "forwardingRules", names.forwardingRule())).build();
        changes.recreated("forwarding rule", ComputeOps.path(rule.getSelfLink()));
        return rule;
      }
      ComputeOps.insert(() -> forwardingRules.insertAsync(gcp.getProject(), gcp.getRegion(), desired));
      rule = findForwardingRule();
      if (owner.ownsLabels(rule.getLabelsMap())) {
        changes.recreated("forwarding rule", ComputeOps.path(rule.getSelfLink()) + " (" + rule.getIPAddress() + ")");
      }
    }
    if (!owner.ownsLabels(rule.getLabelsMap())) {
      throw GcpProblem.notOurs("forwarding rule", names.forwardingRule(), null);
    }
    if (!rule.getLabelsMap().equals(owner.labels())) {
      // Our owner labels are intact but others were edited: put ours back, keeping the rest of the rule.
      Map<String, String> labels = owner.labels();
      String fingerprint = rule.getLabelFingerprint();
      if (changes.previewing()) {
        changes.repaired("forwarding rule", ComputeOps.path(rule.getSelfLink()), "labels set back to " + labels);
        rule = rule.toBuilder().clearLabels().putAllLabels(labels).build();
      } else {
        ComputeOps.change(() -> forwardingRules.setLabelsAsync(gcp.getProject(), gcp.getRegion(), names.forwardingRule(),
            RegionSetLabelsRequest.newBuilder().putAllLabels(labels).setLabelFingerprint(fingerprint).build()),
            () -> {
              ForwardingRule now = findForwardingRule();
              return now != null && now.getLabelsMap().equals(labels);
            });
        changes.repaired("forwarding rule", ComputeOps.path(rule.getSelfLink()), "labels set back to " + labels);
        rule = findForwardingRule();
      }
    }
    if (!ComputeOps.same(rule.getBackendService(), backendServiceSelfLink) || !rule.getAllPorts()) {
      throw new GcpProblem("ForwardingRuleMismatch", "forwarding rule " + names.forwardingRule()
          + " no longer sends all ports to backend service " + names.backendService()
          + "; Compute cannot change that in place: delete the rule and the operator recreates it");
    }
    return rule;
  }

  BackendService findBackendService() {
    return ComputeOps.getOrNull(() -> backendServices.get(gcp.getProject(), gcp.getRegion(), names.backendService()));
  }

  ForwardingRule findForwardingRule() {
    return ComputeOps.getOrNull(() -> forwardingRules.get(gcp.getProject(), gcp.getRegion(), names.forwardingRule()));
  }

  boolean deleteForwardingRule(Changes changes) {
    ForwardingRule rule = findForwardingRule();
    if (rule == null || !owner.ownsLabels(rule.getLabelsMap())) {
      return true;
    }
    boolean gone = ComputeOps.delete(() -> forwardingRules.deleteAsync(gcp.getProject(), gcp.getRegion(), names.forwardingRule()));
    if (gone) {
      changes.deleted("forwarding rule", ComputeOps.path(rule.getSelfLink()), "endpoint deleted");
    }
    return gone;
  }

  boolean deleteBackendService(Changes changes) {
    BackendService service = findBackendService();
    if (service == null || !owner.ownsDescription(service.getDescription())) {
      return true;
    }
    boolean gone = ComputeOps.delete(() -> backendServices.deleteAsync(gcp.getProject(), gcp.getRegion(), names.backendService()));
    if (gone) {
      changes.deleted("backend service", ComputeOps.path(service.getSelfLink()), "endpoint deleted");
    }
    return gone;
  }
}
