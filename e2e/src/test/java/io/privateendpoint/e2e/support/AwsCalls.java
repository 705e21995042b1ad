package io.privateendpoint.e2e.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Every AWS call the operator makes, in order, as "Service.Operation". moto accepts what real AWS
 * refuses (twins, deletes in any order), so the tests assert order and counts on this record.
 */
public final class AwsCalls implements ExecutionInterceptor {

  private final List<String> calls = new ArrayList<>();
  private final List<String> denied = new ArrayList<>();
  /** Armed crashes by "Service.Operation" or "Service.Operation#n", each with the calls still to let through. */
  private final Map<String, Integer> crashAfter = new java.util.LinkedHashMap<>();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    synchronized (calls) {
      calls.add(service + "." + operation);
    }
    // moto neither stores nor reports this setting, so the request itself is what can be checked.
    if (context.request() instanceof software.amazon.awssdk.services.elasticloadbalancingv2.model.SetSecurityGroupsRequest set) {
      privateLinkEnforcement.add(set.enforceSecurityGroupInboundRulesOnPrivateLinkTrafficAsString());
    }
  }

  private final List<String> privateLinkEnforcement = java.util.Collections.synchronizedList(new ArrayList<>());

  /** The EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic value of every SetSecurityGroups call so far. */
  public List<String> privateLinkEnforcement() {
    synchronized (privateLinkEnforcement) {
      return List.copyOf(privateLinkEnforcement);
    }
  }

  /**
   * Makes the next successful call of {@code operation} ("Service.Operation") throw after AWS has
   * done it, as if the operator died between that call and the next: the retry must find what was
   * made. "Service.Operation#n" crashes after the n-th successful call from now instead (the backend
   * security group is the second CreateSecurityGroup of a first endpoint, after the NLB's own).
   */
  public void crashOnceAfter(String operation) {
    int hash = operation.indexOf('#');
    synchronized (crashAfter) {
      crashAfter.put(operation, hash < 0 ? 1 : Integer.parseInt(operation.substring(hash + 1)));
    }
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    String call = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
        + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    String crash = null;
    synchronized (crashAfter) {
      for (var armed : List.copyOf(crashAfter.entrySet())) {
        if (!armed.getKey().equals(call) && !armed.getKey().startsWith(call + "#")) {
          continue;
        }
        if (armed.getValue() > 1) {
          crashAfter.put(armed.getKey(), armed.getValue() - 1);
        } else if (crash == null) {
          crashAfter.remove(armed.getKey());
          crash = armed.getKey(); // one crash per call; another armed at this call waits for the next
        }
      }
    }
    if (crash != null) {
      throw new IllegalStateException("injected crash after " + crash);
    }
  }

  /** Calls that AWS (moto, enforcing IAM) refused for want of permission. */
  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    if (context.exception() instanceof AwsServiceException e && isAccessDenied(e)) {
      synchronized (calls) {
        denied.add(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
            + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
      }
    }
  }

  /**
   * A 403, or AccessDenied / UnauthorizedOperation (EC2's word). moto answers an ELBv2 call it denies
   * with a 403 whose body the ELBv2 client cannot read (no error code), and a missing operation with
   * a 500, so the status decides.
   */
  static boolean isAccessDenied(AwsServiceException e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    return e.statusCode() == 403 || code != null && Set.of("AccessDenied", "AccessDeniedException", "UnauthorizedOperation").contains(code);
  }

  /** The calls refused for want of permission, in order. */
  public List<String> denied() {
    synchronized (calls) {
      return List.copyOf(denied);
    }
  }

  /** Crashes asked for that have not happened yet. */
  public java.util.Set<String> pendingCrashes() {
    synchronized (crashAfter) {
      return java.util.Set.copyOf(crashAfter.keySet());
    }
  }

  /** A copy of every call so far. */
  public List<String> all() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  public int mark() {
    synchronized (calls) {
      return calls.size();
    }
  }

  /** Calls since {@link #mark()}. */
  public List<String> since(int mark) {
    synchronized (calls) {
      return List.copyOf(calls.subList(mark, calls.size()));
    }
  }

  /**
   * The calls of each complete reconcile pass since the mark, a pass starting at each occurrence
   * of {@code firstCall}; the partial passes at both ends are dropped.
   */
  public List<List<String>> passesSince(int mark, String firstCall) {
    List<String> window = since(mark);
    List<List<String>> passes = new ArrayList<>();
    List<String> current = null;
    for (String call : window) {
      if (call.equals(firstCall)) {
        if (current != null) {
          passes.add(current);
        }
        current = new ArrayList<>();
      }
      if (current != null) {
        current.add(call);
      }
    }
    return passes;
  }

  /** Mutating calls (anything not Describe/List/Get) since the mark. */
  public List<String> mutatingSince(int mark) {
    return since(mark).stream().filter(c -> {
      String op = c.substring(c.indexOf('.') + 1);
      return !(op.startsWith("Describe") || op.startsWith("List") || op.startsWith("Get"));
    }).toList();
  }
}
