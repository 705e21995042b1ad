package io.privateendpoint.operator.cloud.gcp;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.rpc.ClientSettings;
import com.google.api.gax.httpjson.InstantiatingHttpJsonChannelProvider;
import com.google.api.gax.rpc.StubSettings;
import com.google.cloud.compute.v1.FirewallsClient;
import com.google.cloud.compute.v1.FirewallsSettings;
import com.google.cloud.compute.v1.ForwardingRulesClient;
import com.google.cloud.compute.v1.ForwardingRulesSettings;
import com.google.cloud.compute.v1.NetworksClient;
import com.google.cloud.compute.v1.NetworksSettings;
import com.google.cloud.compute.v1.RegionBackendServicesClient;
import com.google.cloud.compute.v1.RegionBackendServicesSettings;
import com.google.cloud.compute.v1.RegionNetworkEndpointGroupsClient;
import com.google.cloud.compute.v1.RegionNetworkEndpointGroupsSettings;
import com.google.cloud.compute.v1.ServiceAttachmentsClient;
import com.google.cloud.compute.v1.ServiceAttachmentsSettings;
import com.google.cloud.compute.v1.SubnetworksClient;
import com.google.cloud.compute.v1.SubnetworksSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import com.google.api.gax.httpjson.HttpJsonClientInterceptor;
import io.privateendpoint.operator.cloud.CallRateLimiter;
import io.privateendpoint.operator.cloud.CloudCallRates;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The Compute Engine clients the GCP provisioner uses, made on first use. The endpoint is an
 * operator setting: empty means Google's own (compute.googleapis.com); it may name a Private
 * Service Connect endpoint for Google APIs, or a local fake. Credentials come from Google's default
 * chain (GKE Workload Identity, GOOGLE_APPLICATION_CREDENTIALS, the metadata server) — except
 * against a plain-http endpoint, which only a local fake is, where sending a token would leak it.
 * Every request takes a token of the operator's own rate limit first ({@link GcpCallLimits}), and
 * every method retries Compute's throttling and unavailability ({@link GcpRetries}).
 */
public final class GcpClients implements AutoCloseable {

  private final String endpoint;
  private final CredentialsProvider credentials;
  /** null: no call is counted. */
  private final GcpCallMetrics metrics;
  private final GcpCallLimits limits;

  private SubnetworksClient subnetworks;
  private RegionNetworkEndpointGroupsClient negs;
  private RegionBackendServicesClient backendServices;
  private ForwardingRulesClient forwardingRules;
  private ServiceAttachmentsClient serviceAttachments;
  private FirewallsClient firewalls;
  private NetworksClient networks;

  /** @param endpoint e.g. https://compute.googleapis.com or http://127.0.0.1:8080; null or empty for Google's */
  public GcpClients(String endpoint) {
    this(endpoint, null);
  }

  /** @param metrics sees every call and its retries, through gax's tracer and channel hooks; null for none */
  public GcpClients(String endpoint, GcpCallMetrics metrics) {
    this(endpoint, metrics, CloudCallRates.GCP_DEFAULT);
  }

  /** @param rates the operator's own ceiling per project and quota group ({@link CloudCallRates#UNLIMITED}: none) */
  public GcpClients(String endpoint, GcpCallMetrics metrics, CloudCallRates rates) {
    this.limits = new GcpCallLimits(new CallRateLimiter(), rates);
    this.endpoint = endpoint == null || endpoint.isBlank() ? null : endpoint.trim();
    this.credentials = this.endpoint != null && this.endpoint.startsWith("http://") ? NoCredentialsProvider.create() : null;
    this.metrics = metrics;
  }

  synchronized SubnetworksClient subnetworks() {
    if (subnetworks == null) {
      subnetworks = create(() -> SubnetworksClient.create(settings(SubnetworksSettings.newBuilder(),
          SubnetworksSettings.Builder::getStubSettingsBuilder, b -> GcpRetries.apply(b.getStubSettingsBuilder()))));
    }
    return subnetworks;
  }

  synchronized RegionNetworkEndpointGroupsClient negs() {
    if (negs == null) {
      negs = create(() -> RegionNetworkEndpointGroupsClient.create(settings(RegionNetworkEndpointGroupsSettings.newBuilder(),
          RegionNetworkEndpointGroupsSettings.Builder::getStubSettingsBuilder, b -> GcpRetries.apply(b.getStubSettingsBuilder()))));
    }
    return negs;
  }

  synchronized RegionBackendServicesClient backendServices() {
    if (backendServices == null) {
      backendServices = create(() -> RegionBackendServicesClient.create(settings(RegionBackendServicesSettings.newBuilder(),
          RegionBackendServicesSettings.Builder::getStubSettingsBuilder, b -> GcpRetries.apply(b.getStubSettingsBuilder()))));
    }
    return backendServices;
  }

  synchronized ForwardingRulesClient forwardingRules() {
    if (forwardingRules == null) {
      forwardingRules = create(() -> ForwardingRulesClient.create(settings(ForwardingRulesSettings.newBuilder(),
          ForwardingRulesSettings.Builder::getStubSettingsBuilder, b -> GcpRetries.apply(b.getStubSettingsBuilder()))));
    }
    return forwardingRules;
  }

  synchronized ServiceAttachmentsClient serviceAttachments() {
    if (serviceAttachments == null) {
      serviceAttachments = create(() -> ServiceAttachmentsClient.create(settings(ServiceAttachmentsSettings.newBuilder(),
          ServiceAttachmentsSettings.Builder::getStubSettingsBuilder, b -> GcpRetries.apply(b.getStubSettingsBuilder()))));
    }
    return serviceAttachments;
  }

  synchronized FirewallsClient firewalls() {
    if (firewalls == null) {
      firewalls = create(() -> FirewallsClient.create(settings(FirewallsSettings.newBuilder(),
          FirewallsSettings.Builder::getStubSettingsBuilder, b -> GcpRetries.apply(b.getStubSettingsBuilder()))));
    }
    return firewalls;
  }

  synchronized NetworksClient networks() {
    if (networks == null) {
      networks = create(() -> NetworksClient.create(settings(NetworksSettings.newBuilder(),
          NetworksSettings.Builder::getStubSettingsBuilder, b -> GcpRetries.apply(b.getStubSettingsBuilder()))));
    }
    return networks;
  }

  /** @param stub the builder's stub settings, where gax takes the tracer (ClientSettings.Builder does not expose them) */
  private <S extends ClientSettings<S>, B extends ClientSettings.Builder<S, B>> S settings(B builder,
      Function<B, StubSettings.Builder<?, ?>> stub, Consumer<B> retries) throws IOException {
    retries.accept(builder);
    List<HttpJsonClientInterceptor> interceptors = new ArrayList<>();
    interceptors.add(limits); // first: a request waits for its token before metrics see it sent
    if (metrics != null) {
      stub.apply(builder).setTracerFactory(metrics);
      interceptors.add(metrics); // sees the calls gax does not trace
    }
    // Compute's default REST channel, with the interceptors.
    builder.setTransportChannelProvider(InstantiatingHttpJsonChannelProvider.newBuilder()
        .setInterceptorProvider(() -> interceptors).build());
    if (endpoint != null) {
      builder.setEndpoint(endpoint);
    }
    if (credentials != null) {
      builder.setCredentialsProvider(credentials);
    }
    return builder.build();
  }

  private interface Factory<T> {
    T create() throws IOException;
  }

  private static <T> T create(Factory<T> factory) {
    try {
      return factory.create();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a Compute Engine client", e);
    }
  }

  @Override
  public synchronized void close() {
    for (AutoCloseable c : new AutoCloseable[] {subnetworks, negs, backendServices, forwardingRules, serviceAttachments, firewalls,
        networks}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception ignored) {
          // closing on shutdown; nothing to do about it
        }
      }
    }
  }
}
