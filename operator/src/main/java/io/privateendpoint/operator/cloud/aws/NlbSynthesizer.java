package io.privateendpoint.operator.cloud.aws;

import io.privateendpoint.operator.apply.Changes;
import io.privateendpoint.operator.model.AwsTargetType;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.PlannedBroker;
import io.privateendpoint.operator.plan.PortTarget;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Listener;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerAttribute;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerNotFoundException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerSchemeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Tag;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TagDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

/**
 * The internal NLB of one endpoint and what hangs off it: its security group (LoadBalancerSecurityGroup), one TCP target group
 * and listener per load-balancer port (each bootstrap port, each broker's port), and the targets.
 * Each kind is paired desired-with-actual by deterministic name and owner tag; what is missing is
 * created, what differs is changed, what is left over is deleted — and anything carrying our name
 * but not our tags is reported and left alone.
 */
final class NlbSynthesizer {

  static final String CROSS_ZONE = "load_balancing.cross_zone.enabled";
  static final String DELETION_PROTECTION = "deletion_protection.enabled";

  private final Ec2Client ec2;
  private final ElasticLoadBalancingV2Client elb;
  private final KafkaPrivateEndpoint resource;
  private final String clusterName;
  private final AwsNames names;
  private final Map<String, String> tags;
  private final SharedRuleUsers ruleUsers;

  NlbSynthesizer(Ec2Client ec2, ElasticLoadBalancingV2Client elb, KafkaPrivateEndpoint resource, String clusterName,
      SharedRuleUsers ruleUsers) {
    this.ec2 = ec2;
    this.elb = elb;
    this.resource = resource;
    this.clusterName = clusterName;
    this.names = AwsNames.of(resource);
    this.tags = AwsTags.of(resource, clusterName);
    this.ruleUsers = ruleUsers;
  }

  /**
   * Brings the NLB side to the plan and returns the load balancer and each broker's target health,
   * recording each change in {@code changes} (drift put back is told as such). In dependency
   * order: the security groups before the NLB (the NLB's own, and the cluster's backend group through
   * which it reaches the targets; a recreated group is set on the NLB), the NLB before its
   * listeners (a deleted NLB takes them with it: they are made again with it), the target groups
   * before the listeners forwarding to them. Previewing, nothing is written and a resource to create is
   * known by its name: nothing hangs off it yet, so its children are not read, only shown as created.
   */
  Result sync(EndpointPlan plan, long pass, Changes changes) {
    Map<Integer, List<TargetDescription>> desired = desiredTargets(plan);
    List<Subnet> subnets = subnets();
    var backend = new BackendSecurityGroup(ec2, resource.getSpec().getAws().getVpcId(), clusterName);
    var own = new LoadBalancerSecurityGroup(ec2, resource, clusterName);
    // Both groups in one read.
    List<SecurityGroup> found = ec2.describeSecurityGroups(b -> b.filters(filter("vpc-id", resource.getSpec().getAws().getVpcId()),
        filter("group-name", names.loadBalancer(), backend.name()))).securityGroups();
    String securityGroup = own.sync(named(found, names.loadBalancer()), changes);
    String backendGroup = backend.sync(named(found, backend.name()), changes);
    List<String> lbGroups = List.of(securityGroup, backendGroup);
    LoadBalancer lb = findLoadBalancer();
    boolean lbCreated = lb == null;
    if (lb == null) {
      if (changes.previewing()) {
        lb = LoadBalancer.builder().loadBalancerName(names.loadBalancer()).loadBalancerArn(names.loadBalancer()).build();
      } else {
        lb = elb.createLoadBalancer(b -> b.name(names.loadBalancer()).type(LoadBalancerTypeEnum.NETWORK)
            .scheme(LoadBalancerSchemeEnum.INTERNAL).subnets(subnets.stream().map(Subnet::subnetId).toList())
            .securityGroups(lbGroups).tags(elbTags())).loadBalancers().get(0);
        setPrivateLinkEnforcement(lb, lbGroups);
      }
      changes.recreated("NLB", label(lb), "internal, in " + subnets.stream().map(Subnet::subnetId).toList());
    } else if (lb.hasSecurityGroups() && !Set.copyOf(lb.securityGroups()).equals(Set.copyOf(lbGroups))) {
      List<String> before = lb.securityGroups();
      setPrivateLinkEnforcement(lb, lbGroups, changes);
      if (before.equals(List.of(securityGroup))) {
        // An NLB made before the shared group: it gains it, and its targets are admitted through it.
        changes.changed("NLB", label(lb), "security groups " + before + " → " + lbGroups + " (with the cluster's backend group "
            + backend.name() + ")");
      } else {
        // A group was deleted (and made again above) or swapped out of band: the NLB gets ours back.
        changes.repaired("NLB", label(lb), "security groups " + before + " set back to " + lbGroups);
      }
    } else if (lb.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic() != null
        && !enforcement().equalsIgnoreCase(lb.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic())) {
      setPrivateLinkEnforcement(lb, lbGroups, changes);
      changes.repaired("NLB", label(lb), "inbound rules enforced on PrivateLink traffic: " + enforcement());
    }
    boolean lbPlanned = lbCreated && changes.previewing();
    syncCrossZone(lb, lbPlanned, changes);
    Set<Integer> created = new TreeSet<>();
    Set<Integer> known = knownPorts(plan);
    Map<Integer, TargetGroup> groups = syncTargetGroups(desired, lb, lbPlanned, created, known, changes);
    syncListeners(lb, lbPlanned, groups, changes, lbCreated ? Set.of() : known);
    Map<Integer, String> health = syncTargets(desired, groups, created, plan, pass, changes);
    List<String> unreachable = new TargetSecurityGroupRules(ec2, resource, clusterName, ruleUsers)
        .sync(plan, securityGroup, backendGroup, subnets.stream().map(Subnet::cidrBlock).toList(), changes);
    return new Result(lb, health, unreachable);
  }

  /** "kpe-1a2b (arn:…)", or the name alone for a load balancer a preview would create. */
  private static String label(LoadBalancer lb) {
    return lb.loadBalancerArn().equals(lb.loadBalancerName()) ? lb.loadBalancerName()
        : lb.loadBalancerName() + " (" + lb.loadBalancerArn() + ")";
  }

  private void setPrivateLinkEnforcement(LoadBalancer lb, List<String> securityGroups, Changes changes) {
    if (!changes.previewing()) {
      setPrivateLinkEnforcement(lb, securityGroups);
    }
  }

  private static SecurityGroup named(List<SecurityGroup> groups, String name) {
    return groups.stream().filter(g -> name.equals(g.groupName())).findFirst().orElse(null);
  }

  /** The load-balancer ports the last status already served: a missing listener or group there was deleted, not new. */
  private Set<Integer> knownPorts(EndpointPlan plan) {
    Set<Integer> known = new TreeSet<>(previousTargets().keySet());
    if (resource.getStatus() != null && resource.getStatus().getBootstrapPorts() != null) {
      for (String p : resource.getStatus().getBootstrapPorts().split(",")) {
        if (!p.isBlank()) {
          known.add(Integer.valueOf(p.trim()));
        }
      }
    }
    return known;
  }

  /**
   * @param unreachable what keeps targets from admitting the NLB (a missing security-group rule or
   *                    network interface), one phrase each
   */
  record Result(LoadBalancer loadBalancer, Map<Integer, String> brokerHealth, List<String> unreachable) {}

  /**
   * Whether the NLB's security group filters PrivateLink traffic, set explicitly rather than left to
   * AWS's default ("on"): SetSecurityGroups is the only API that sets it
   * (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetSecurityGroups.html).
   * It is set right after creation, and later when DescribeLoadBalancers reports another value (AWS
   * reports it for every NLB with security groups; an emulator that does not is not asked every pass).
   */
  private void setPrivateLinkEnforcement(LoadBalancer lb, List<String> securityGroups) {
    elb.setSecurityGroups(b -> b.loadBalancerArn(lb.loadBalancerArn()).securityGroups(securityGroups)
        .enforceSecurityGroupInboundRulesOnPrivateLinkTraffic(enforcement()));
  }

  private String enforcement() {
    return Boolean.FALSE.equals(resource.getSpec().getAws().getEnforceInboundRulesOnPrivateLinkTraffic()) ? "off" : "on";
  }

  /** Load-balancer port → the targets behind it, as the plan says (every broker for a bootstrap port, one for a broker port). */
  Map<Integer, List<TargetDescription>> desiredTargets(EndpointPlan plan) {
    if (instanceTargets()) {
      List<Integer> waiting = plan.brokers().stream().filter(b -> b.nodePort() == null).map(PlannedBroker::nodeId).toList();
      if (!waiting.isEmpty()) {
        throw new AwsProblem("WaitingForNodePorts", "instance targets need a NodePort Service per broker; none yet for broker(s) "
            + waiting);
      }
    }
    Map<Integer, List<TargetDescription>> desired = new TreeMap<>();
    plan.targets().forEach((port, targets) -> desired.put(port, targets.stream().map(NlbSynthesizer::target).toList()));
    return desired;
  }

  /** ip targets by pod IP, instance targets by instance ID; the port is the plan's. */
  private static TargetDescription target(PortTarget t) {
    return TargetDescription.builder().id(t.ip() != null ? t.ip() : t.instanceId()).port(t.port()).build();
  }

  private boolean instanceTargets() {
    return resource.getSpec().getAws().getTargetType() == AwsTargetType.instance;
  }

  private TargetTypeEnum targetType() {
    return instanceTargets() ? TargetTypeEnum.INSTANCE : TargetTypeEnum.IP;
  }

  /**
   * A subnet per served AZ ID: from spec.aws.subnets, else found in the VPC by AZ ID. One
   * DescribeSubnets either way, which also checks that each named subnet is in the VPC and in the AZ
   * ID it is listed under (a subnet in another AZ would carry that zone's brokers' traffic across AZs).
   */
  private List<Subnet> subnets() {
    var aws = resource.getSpec().getAws();
    Map<String, String> named = aws.getSubnets();
    List<String> missing = resource.getSpec().getZones().stream().filter(z -> !named.containsKey(z)).toList();
    List<Subnet> found = ec2.describeSubnets(b -> b.filters(filter("vpc-id", aws.getVpcId()),
        filter("availability-zone-id", resource.getSpec().getZones().toArray(String[]::new)))).subnets();
    Map<String, Subnet> byZone = new LinkedHashMap<>();
    for (var entry : named.entrySet()) {
      Subnet subnet = found.stream().filter(s -> s.subnetId().equals(entry.getValue())).findFirst().orElse(null);
      if (subnet == null || !entry.getKey().equals(subnet.availabilityZoneId())) {
        throw new AwsProblem("SubnetMismatch", "spec.aws.subnets[" + entry.getKey() + "]: " + entry.getValue()
            + (subnet == null ? " is not a subnet of " + aws.getVpcId() + " in a served AZ ID"
            : " is in " + subnet.availabilityZoneId() + ", not " + entry.getKey()));
      }
      byZone.put(entry.getKey(), subnet);
    }
    found.stream().filter(s -> missing.contains(s.availabilityZoneId()))
        .forEach(s -> byZone.putIfAbsent(s.availabilityZoneId(), s));
    List<String> unserved = resource.getSpec().getZones().stream().filter(z -> !byZone.containsKey(z)).toList();
    if (!unserved.isEmpty()) {
      throw new AwsProblem("SubnetNotFound", "VPC " + aws.getVpcId() + " has no subnet in AZ ID(s) " + unserved
          + "; add one or name it in spec.aws.subnets");
    }
    return resource.getSpec().getZones().stream().map(byZone::get).toList();
  }

  LoadBalancer findLoadBalancer() {
    LoadBalancer lb;
    try {
      lb = elb.describeLoadBalancers(b -> b.names(names.loadBalancer())).loadBalancers().stream().findFirst().orElse(null);
    } catch (LoadBalancerNotFoundException e) {
      return null;
    }
    if (lb != null && !ownedArns(List.of(lb.loadBalancerArn())).contains(lb.loadBalancerArn())) {
      throw new AwsProblem("ForeignResource", "a load balancer named " + names.loadBalancer()
          + " exists without this endpoint's tags; it is left untouched");
    }
    return lb;
  }

  private void syncCrossZone(LoadBalancer lb, boolean planned, Changes changes) {
    boolean wanted = Boolean.TRUE.equals(resource.getSpec().getAws().getCrossZoneLoadBalancing());
    // A new NLB has AWS's default, off.
    String current = planned ? "false" : elb.describeLoadBalancerAttributes(b -> b.loadBalancerArn(lb.loadBalancerArn()))
        .attributes().stream().filter(a -> CROSS_ZONE.equals(a.key())).map(LoadBalancerAttribute::value).findFirst().orElse("false");
    if (Boolean.parseBoolean(current) != wanted) {
      if (!changes.previewing()) {
        elb.modifyLoadBalancerAttributes(b -> b.loadBalancerArn(lb.loadBalancerArn())
            .attributes(LoadBalancerAttribute.builder().key(CROSS_ZONE).value(String.valueOf(wanted)).build()));
      }
      changes.repaired("NLB", label(lb), "cross-zone load balancing " + (wanted ? "on" : "off"));
    }
  }

  /**
   * Our target groups by load-balancer port. Deletes go first: a group no longer planned, or of the
   * other target type (a target group cannot change type), is removed with its listener before any
   * create, so its name is free again; then missing groups are created.
   */
  private Map<Integer, TargetGroup> syncTargetGroups(Map<Integer, List<TargetDescription>> desired, LoadBalancer lb,
      boolean lbPlanned, Set<Integer> created, Set<Integer> known, Changes changes) {
    Map<String, TargetGroup> existing = ownedTargetGroups();
    Set<String> wanted = desired.keySet().stream().map(names::targetGroup).collect(Collectors.toSet());
    List<TargetGroup> stale = existing.values().stream()
        .filter(g -> !wanted.contains(g.targetGroupName()) || g.targetType() != targetType()).toList();
    if (!stale.isEmpty()) {
      Set<String> staleArns = stale.stream().map(TargetGroup::targetGroupArn).collect(Collectors.toSet());
      listeners(lb, lbPlanned).values().stream()
          .filter(l -> l.defaultActions().stream().anyMatch(a -> staleArns.contains(a.targetGroupArn())))
          .forEach(l -> {
            if (!changes.previewing()) {
              AlreadyDone.unless(AlreadyDone.LISTENER_GONE, () -> elb.deleteListener(b -> b.listenerArn(l.listenerArn())));
            }
            changes.deleted("listener", "TCP:" + l.port() + " of NLB " + names.loadBalancer(), "port no longer planned");
          });
      stale.forEach(g -> {
        if (!changes.previewing()) {
          AlreadyDone.unless(AlreadyDone.TARGET_GROUP_GONE, () -> elb.deleteTargetGroup(b -> b.targetGroupArn(g.targetGroupArn())));
        }
        changes.deleted("target group", g.targetGroupName(), wanted.contains(g.targetGroupName())
            ? "its target type is not " + targetType() + " (made again)" : "port no longer planned");
      });
      existing.values().removeIf(g -> staleArns.contains(g.targetGroupArn()));
    }
    Map<Integer, TargetGroup> byPort = new TreeMap<>();
    for (int port : desired.keySet()) {
      TargetGroup group = existing.get(names.targetGroup(port));
      if (group == null) {
        group = changes.previewing()
            ? TargetGroup.builder().targetGroupName(names.targetGroup(port)).targetGroupArn(names.targetGroup(port)).build()
            : elb.createTargetGroup(b -> b.name(names.targetGroup(port)).protocol(ProtocolEnum.TCP)
                .port(resource.getSpec().getListener().getContainerPort()).vpcId(resource.getSpec().getAws().getVpcId())
                .targetType(targetType()).healthCheckProtocol(ProtocolEnum.TCP).tags(elbTags())).targetGroups().get(0);
        created.add(port);
        String why = "port " + port + " → " + desired.get(port).stream().map(NlbSynthesizer::key).collect(Collectors.joining(", "));
        if (known.contains(port)) {
          changes.recreated("target group", group.targetGroupName(), why);
        } else {
          changes.created("target group", group.targetGroupName(), why);
        }
      }
      byPort.put(port, group);
    }
    return byPort;
  }

  /** The NLB's listeners by port; none for one a preview would create. */
  private Map<Integer, Listener> listeners(LoadBalancer lb, boolean planned) {
    Map<Integer, Listener> byPort = new HashMap<>();
    if (!planned) {
      elb.describeListeners(b -> b.loadBalancerArn(lb.loadBalancerArn())).listeners().forEach(l -> byPort.put(l.port(), l));
    }
    return byPort;
  }

  /** Target groups named like ours and tagged as ours; one describe plus one tag read per 20. */
  Map<String, TargetGroup> ownedTargetGroups() {
    Map<String, TargetGroup> named = new HashMap<>();
    elb.describeTargetGroupsPaginator(b -> b.pageSize(400)).targetGroups().stream()
        .filter(g -> names.isTargetGroup(g.targetGroupName())).forEach(g -> named.put(g.targetGroupArn(), g));
    Set<String> owned = ownedArns(List.copyOf(named.keySet()));
    Map<String, TargetGroup> byName = new HashMap<>();
    named.values().stream().filter(g -> owned.contains(g.targetGroupArn())).forEach(g -> byName.put(g.targetGroupName(), g));
    return byName;
  }

  /** @param known the ports whose listener was there before: missing, it was deleted out of band */
  private void syncListeners(LoadBalancer lb, boolean lbPlanned, Map<Integer, TargetGroup> groups, Changes changes,
      Set<Integer> known) {
    Map<Integer, Listener> existing = listeners(lb, lbPlanned);
    groups.forEach((port, group) -> {
      Listener listener = existing.get(port);
      Action forward = Action.builder().type(ActionTypeEnum.FORWARD).targetGroupArn(group.targetGroupArn()).build();
      String id = "TCP:" + port + " of NLB " + names.loadBalancer();
      if (listener == null) {
        if (!changes.previewing()) {
          elb.createListener(b -> b.loadBalancerArn(lb.loadBalancerArn()).protocol(ProtocolEnum.TCP).port(port)
              .defaultActions(forward).tags(elbTags()));
        }
        String why = "forwards to target group " + group.targetGroupName();
        if (known.contains(port)) {
          changes.recreated("listener", id, why);
        } else {
          changes.created("listener", id, why);
        }
      } else if (listener.defaultActions().stream().noneMatch(a -> group.targetGroupArn().equals(a.targetGroupArn()))) {
        if (!changes.previewing()) {
          elb.modifyListener(b -> b.listenerArn(listener.listenerArn()).defaultActions(forward));
        }
        changes.repaired("listener", id, "forwards to target group " + group.targetGroupName() + " again");
      }
    });
  }

  /** Broker target groups checked for drift per pass when nothing about them changed. */
  static final int DRIFT_CHECKS_PER_PASS = 3;

  /**
   * Registers missing targets and deregisters stale ones. DescribeTargetHealth takes one target
   * group per call, so reading every group each pass would grow with the broker count. Instead:
   * the bootstrap groups are read every pass (they hold every broker's target, so they also give
   * each broker's health); a broker group is read when its target changed since the last status or
   * the group is new, and otherwise in turn, {@value #DRIFT_CHECKS_PER_PASS} per pass — out-of-band
   * drift there is repaired within ceil(brokers / 3) resyncs.
   */
  private Map<Integer, String> syncTargets(Map<Integer, List<TargetDescription>> desired, Map<Integer, TargetGroup> groups,
      Set<Integer> createdPorts, EndpointPlan plan, long pass, Changes changes) {
    Map<Integer, String> previous = previousTargets();
    List<Integer> brokerPorts = plan.brokers().stream().map(PlannedBroker::port).sorted().toList();
    Set<Integer> rotation = new TreeSet<>();
    for (int i = 0; i < Math.min(DRIFT_CHECKS_PER_PASS, brokerPorts.size()); i++) {
      rotation.add(brokerPorts.get((int) ((pass * DRIFT_CHECKS_PER_PASS + i) % brokerPorts.size())));
    }
    Map<String, String> healthByTarget = new HashMap<>();
    groups.forEach((port, group) -> {
      boolean bootstrap = plan.bootstrapPorts().contains(port);
      // The status shows a broker's target as "id:port", the same form as key().
      List<TargetDescription> wanted = desired.getOrDefault(port, List.of());
      boolean changed = !wanted.stream().map(NlbSynthesizer::key).collect(Collectors.joining(",")).equals(previous.get(port));
      if (!bootstrap && !createdPorts.contains(port) && !changed && !rotation.contains(port)) {
        return;
      }
      List<TargetHealthDescription> current = createdPorts.contains(port) ? List.of()
          : elb.describeTargetHealth(b -> b.targetGroupArn(group.targetGroupArn())).targetHealthDescriptions();
      Set<String> have = current.stream().map(t -> key(t.target())).collect(Collectors.toSet());
      Set<String> want = wanted.stream().map(NlbSynthesizer::key).collect(Collectors.toSet());
      List<TargetDescription> add = wanted.stream().filter(t -> !have.contains(key(t))).toList();
      List<TargetDescription> remove = current.stream().map(TargetHealthDescription::target)
          .filter(t -> !want.contains(key(t))).toList();
      if (!changes.previewing()) {
        if (!add.isEmpty()) {
          elb.registerTargets(b -> b.targetGroupArn(group.targetGroupArn()).targets(add));
        }
        if (!remove.isEmpty()) {
          elb.deregisterTargets(b -> b.targetGroupArn(group.targetGroupArn()).targets(remove));
        }
      }
      // A new group's targets are part of its creation; an existing group's are a change, or drift
      // put back when the plan still wants what the last status showed.
      if (!createdPorts.contains(port) && (!add.isEmpty() || !remove.isEmpty())) {
        String what = (add.isEmpty() ? "" : "registers " + add.stream().map(NlbSynthesizer::key).collect(Collectors.joining(", ")))
            + (!add.isEmpty() && !remove.isEmpty() ? "; " : "")
            + (remove.isEmpty() ? "" : "deregisters " + remove.stream().map(NlbSynthesizer::key).collect(Collectors.joining(", ")));
        if (changed) {
          changes.changed("target group", group.targetGroupName(), what);
        } else {
          changes.repaired("target group", group.targetGroupName(), what);
        }
      }
      current.forEach(t -> healthByTarget.putIfAbsent(key(t.target()), t.targetHealth().stateAsString()));
    });
    // A broker's health is that of the targets behind its own port: the best of them (a proxy pod
    // down leaves the port served by the others), "none" without targets. A port whose group was not
    // read this pass (Proxy mode: the bootstrap groups hold the pods' bootstrap port, not the brokers'
    // ports) keeps the health last shown for its unchanged targets; "initial" until one is read.
    Map<Integer, String> shown = previousHealth();
    Map<Integer, String> byBroker = new TreeMap<>();
    plan.brokers().forEach(b -> {
      List<PortTarget> targets = plan.targetsOf(b.port());
      boolean read = targets.stream().anyMatch(t -> healthByTarget.containsKey(t.key()));
      String target = targets.stream().map(PortTarget::key).collect(Collectors.joining(","));
      byBroker.put(b.nodeId(), read || !target.equals(previous.get(b.port())) ? health(targets, healthByTarget)
          : shown.getOrDefault(b.port(), "initial"));
    });
    return byBroker;
  }

  /** Load-balancer port → the health the last status showed for it. */
  private Map<Integer, String> previousHealth() {
    Map<Integer, String> shown = new HashMap<>();
    if (resource.getStatus() != null) {
      resource.getStatus().getBrokers().forEach(b -> {
        if (b.getPort() != null && b.getHealth() != null) {
          shown.put(b.getPort(), b.getHealth());
        }
      });
    }
    return shown;
  }

  /** Load-balancer port → the target the last status showed behind it. */
  private Map<Integer, String> previousTargets() {
    Map<Integer, String> previous = new HashMap<>();
    if (resource.getStatus() != null) {
      resource.getStatus().getBrokers().forEach(b -> {
        if (b.getPort() != null && b.getTarget() != null) {
          previous.put(b.getPort(), b.getTarget());
        }
      });
    }
    return previous;
  }

  private static String health(List<PortTarget> targets, Map<String, String> healthByTarget) {
    if (targets.isEmpty()) {
      return "none";
    }
    List<String> states = targets.stream().map(t -> healthByTarget.getOrDefault(t.key(), "initial")).toList();
    return states.contains("healthy") ? "healthy" : states.get(0);
  }

  private static String key(TargetDescription t) {
    return t.id() + ":" + t.port();
  }

  /** Of these ELBv2 ARNs, the ones carrying our owner tags (DescribeTags takes 20 at a time). */
  private Set<String> ownedArns(List<String> arns) {
    Set<String> owned = new TreeSet<>();
    for (int i = 0; i < arns.size(); i += 20) {
      List<String> chunk = arns.subList(i, Math.min(arns.size(), i + 20));
      for (TagDescription d : elb.describeTags(b -> b.resourceArns(chunk)).tagDescriptions()) {
        Map<String, String> t = d.tags().stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> a));
        if (AwsTags.ours(t, resource, clusterName)) {
          owned.add(d.resourceArn());
        }
      }
    }
    return owned;
  }

  private List<Tag> elbTags() {
    return tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
  }

  static Filter filter(String name, String... values) {
    return Filter.builder().name(name).values(values).build();
  }
}
