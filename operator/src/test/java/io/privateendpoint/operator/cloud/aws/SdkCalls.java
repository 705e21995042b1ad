package io.privateendpoint.operator.cloud.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

/**
 * The EC2 and ELBv2 operations that Java sources call, as IAM actions, read from the source text:
 * {@code ec2.createSecurityGroup(…)} is {@code ec2:CreateSecurityGroup}, and
 * {@code elb.describeTargetGroupsPaginator(…)} is {@code elasticloadbalancing:DescribeTargetGroups}
 * (a paginator calls its operation). The operation is the SDK method's request class minus
 * "Request", which is the API operation name; for EC2 and ELBv2 the IAM action is that name under
 * the service prefix (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html).
 */
final class SdkCalls {

  /** The SDK client interfaces and their IAM service prefixes. */
  static final Map<Class<?>, String> PREFIXES = Map.of(Ec2Client.class, "ec2",
      ElasticLoadBalancingV2Client.class, "elasticloadbalancing");

  /** Client methods that call no AWS operation. */
  private static final Set<String> LOCAL = Set.of("close", "serviceName", "serviceClientConfiguration");

  private SdkCalls() {}

  static Set<String> in(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      Set<String> actions = new TreeSet<>();
      files.filter(f -> f.toString().endsWith(".java")).forEach(f -> actions.addAll(inSource(read(f))));
      return actions;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The calls in one source file, on variables declared as a client ({@code Ec2Client ec2}; not a
   * method returning one), on
   * {@code var}s assigned from an {@link AwsClients} accessor, and on accessor chains
   * ({@code clients.ec2(region).describeSubnets(…)}).
   */
  static Set<String> inSource(String source) {
    String java = code(source);
    Map<String, Class<?>> variables = new HashMap<>();
    for (Class<?> client : PREFIXES.keySet()) {
      Matcher declared = Pattern.compile("\\b" + client.getSimpleName() + "\\s+(\\w+)\\b(?!\\s*\\()").matcher(java);
      while (declared.find()) {
        variables.put(declared.group(1), client);
      }
      for (String accessor : accessors(client)) {
        Matcher var = Pattern.compile("\\bvar\\s+(\\w+)\\s*=\\s*[\\w.]+\\s*\\.\\s*" + accessor + "\\s*\\(").matcher(java);
        while (var.find()) {
          variables.put(var.group(1), client);
        }
      }
    }
    Set<String> actions = new TreeSet<>();
    variables.forEach((name, client) -> {
      Matcher call = Pattern.compile("\\b" + name + "\\s*(?:\\.|::)\\s*(\\w+)\\b").matcher(java);
      while (call.find()) {
        action(client, call.group(1)).ifPresent(actions::add);
      }
    });
    for (Class<?> client : PREFIXES.keySet()) {
      for (String accessor : accessors(client)) {
        Matcher chain = Pattern.compile("\\.\\s*" + accessor + "\\s*\\([^()]*\\)\\s*\\.\\s*(\\w+)\\s*\\(").matcher(java);
        while (chain.find()) {
          action(client, chain.group(1)).ifPresent(actions::add);
        }
      }
    }
    return actions;
  }

  /** "ec2:DescribeSubnets" for (Ec2Client, "describeSubnets"); empty for a local method; unknown methods fail. */
  static Optional<String> action(Class<?> client, String method) {
    if (LOCAL.contains(method)) {
      return Optional.empty();
    }
    return Optional.of(Arrays.stream(client.getMethods()).filter(m -> m.getName().equals(method))
        .map(Method::getParameterTypes).filter(p -> p.length == 1 && SdkRequest.class.isAssignableFrom(p[0]))
        .map(p -> PREFIXES.get(client) + ":" + p[0].getSimpleName().replaceFirst("Request$", ""))
        .findFirst().orElseThrow(() -> new IllegalArgumentException(client.getSimpleName() + "." + method
            + " calls no operation this scan knows (a waiter?); teach SdkCalls what it calls")));
  }

  /** The names of AwsClients' methods that hand out {@code client}: ec2(region), elb(region). */
  private static Set<String> accessors(Class<?> client) {
    Set<String> names = new TreeSet<>();
    Arrays.stream(AwsClients.class.getMethods()).filter(m -> m.getReturnType() == client).forEach(m -> names.add(m.getName()));
    return names;
  }

  /** The source without comments, imports and the package line, where "ec2.X" is no call. */
  private static String code(String source) {
    return source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ")
        .replaceAll("(?m)^\\s*(import|package)\\s[^;]*;", " ");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
