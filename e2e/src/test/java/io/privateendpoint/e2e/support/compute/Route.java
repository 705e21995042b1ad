package io.privateendpoint.e2e.support.compute;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;

/**
 * One RPC of compute.proto as REST: {@code rpc} is "Service.Method", {@code body} the request field
 * the JSON body fills (null when the rule has no body).
 */
record Route(String rpc, MethodDescriptor method, String verb, PathTemplate template, FieldDescriptor body) {

  String service() {
    return method.getService().getName();
  }

  String methodName() {
    return method.getName();
  }

  /** Compute answers every change with an Operation; the operations services' Wait and Get do too, but change nothing. */
  boolean mutating() {
    return method.getOutputType().getFullName().equals("google.cloud.compute.v1.Operation") && !service().endsWith("Operations");
  }
}
