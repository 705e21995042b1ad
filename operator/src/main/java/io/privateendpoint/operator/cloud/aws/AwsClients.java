package io.privateendpoint.operator.cloud.aws;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

/**
 * EC2 and ELBv2 clients per region. Endpoint, credentials and retries come from the SDK's own
 * standard settings, so the same jar runs against AWS, a VPC interface endpoint for the AWS APIs,
 * or a local emulator: AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_EC2 /
 * AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2 (or the aws.endpointUrl* system properties), and the
 * default credential chain, in which IRSA's web-identity token works unchanged. Throttling and 5xx
 * are retried by the SDK's standard retry mode, with backoff.
 */
public final class AwsClients implements AutoCloseable {

  private final List<ExecutionInterceptor> interceptors;
  /** null: the SDK's default credential chain. */
  private final AwsCredentialsProvider credentials;
  private final Map<String, Ec2Client> ec2 = new ConcurrentHashMap<>();
  private final Map<String, ElasticLoadBalancingV2Client> elb = new ConcurrentHashMap<>();

  /** @param interceptors seen on every call (the tests record calls with one) */
  public AwsClients(List<ExecutionInterceptor> interceptors) {
    this(interceptors, null);
  }

  /**
   * @param credentials used instead of the default chain (the tests run the operator as an IAM user
   *     of moto holding config/aws/iam-policy.json); null for the default chain
   */
  public AwsClients(List<ExecutionInterceptor> interceptors, AwsCredentialsProvider credentials) {
    this.interceptors = List.copyOf(interceptors);
    this.credentials = credentials;
  }

  public Ec2Client ec2(String region) {
    return ec2.computeIfAbsent(region, r -> Ec2Client.builder().region(Region.of(r))
        .credentialsProvider(credentials)
        .httpClientBuilder(UrlConnectionHttpClient.builder()).overrideConfiguration(override()).build());
  }

  public ElasticLoadBalancingV2Client elb(String region) {
    return elb.computeIfAbsent(region, r -> ElasticLoadBalancingV2Client.builder().region(Region.of(r))
        .credentialsProvider(credentials)
        .httpClientBuilder(UrlConnectionHttpClient.builder()).overrideConfiguration(override()).build());
  }

  private ClientOverrideConfiguration override() {
    return ClientOverrideConfiguration.builder().retryStrategy(RetryMode.STANDARD)
        .executionInterceptors(interceptors).build();
  }

  @Override
  public void close() {
    ec2.values().forEach(Ec2Client::close);
    elb.values().forEach(ElasticLoadBalancingV2Client::close);
  }
}
