package io.privateendpoint.e2e.support;

import java.util.ArrayList;
import java.util.List;
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

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    synchronized (calls) {
      calls.add(service + "." + operation);
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

  /** Mutating calls (anything not Describe/List/Get) since the mark. */
  public List<String> mutatingSince(int mark) {
    return since(mark).stream().filter(c -> {
      String op = c.substring(c.indexOf('.') + 1);
      return !(op.startsWith("Describe") || op.startsWith("List") || op.startsWith("Get"));
    }).toList();
  }
}
