package io.privateendpoint.operator.proxy;

/** The keys of spec.proxy.upstream.secretRef. */
final class UpstreamSecret {

  static final String CA = "ca.crt";
  static final String USERNAME = "username";
  static final String PASSWORD = "password";

  private UpstreamSecret() {}
}
