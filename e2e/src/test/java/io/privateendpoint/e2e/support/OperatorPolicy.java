package io.privateendpoint.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the operator did against moto, held against config/aws/iam-policy.json: moto enforced the
 * policy on every call (its actions; it evaluates no Condition, see moto_iam_server.py), so nothing
 * may have been denied, and every recorded call must be an action an Allow statement names.
 * Operator unit tests check the policy's conditions and resources (IamPolicyTest).
 */
public final class OperatorPolicy {

  /** SDK service names (as AwsCalls records them) → IAM service prefixes. */
  private static final Map<String, String> PREFIXES = Map.of("Ec2", "ec2", "ElasticLoadBalancingV2", "elasticloadbalancing");

  private OperatorPolicy() {}

  public static void assertAllowed(AwsCalls calls) {
    assertThat(calls.denied()).as("calls moto refused the operator under %s", MotoServer.policyFile()).isEmpty();
    Set<String> made = new TreeSet<>();
    calls.all().forEach(c -> made.add(action(c)));
    assertThat(made).as("the operator's calls").isNotEmpty();
    Set<String> outside = new TreeSet<>(made);
    outside.removeAll(allowedActions());
    assertThat(outside).as("calls the operator made that %s does not allow", MotoServer.policyFile()).isEmpty();
  }

  /** "Ec2.CreateSecurityGroup" → "ec2:CreateSecurityGroup" */
  static String action(String call) {
    int dot = call.indexOf('.');
    String prefix = PREFIXES.get(call.substring(0, dot));
    assertThat(prefix).as("IAM prefix of %s", call).isNotNull();
    return prefix + ":" + call.substring(dot + 1);
  }

  /** The actions the Allow statements name (the policy names exact actions; IamPolicyTest holds it to that). */
  static Set<String> allowedActions() {
    try {
      Set<String> actions = new TreeSet<>();
      for (JsonNode statement : new ObjectMapper().readTree(Files.readString(MotoServer.policyFile())).path("Statement")) {
        if ("Allow".equals(statement.path("Effect").asText())) {
          JsonNode action = statement.path("Action");
          if (action.isArray()) {
            action.forEach(a -> actions.add(a.asText()));
          } else {
            actions.add(action.asText());
          }
        }
      }
      return actions;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
