package io.privateendpoint.operator.cloud.aws;

import io.privateendpoint.operator.cloud.CallRateLimiter;
import io.privateendpoint.operator.cloud.CloudCallRates;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
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
 * default credential chain, in which IRSA's web-identity token works unchanged.
 *
 * <p>Politeness at scale: every request first takes a token of the operator's own rate limit
 * ({@link AwsCallLimits}, per region, API and reads/writes); throttling and 5xx are retried by the
 * SDK's adaptive retry mode (ADAPTIVE_V2: exponential backoff with jitter, and a client-side rate that
 * drops when AWS throttles and recovers as calls succeed), up to {@value #MAX_ATTEMPTS} attempts. A
 * call still throttled after them ends the pass with a Throttled condition (see AwsRefusals).
 */
public final class AwsClients implements AutoCloseable {

  /**
   * Attempts per call. The SDK's default 3 gives up on a throttled call too soon for a busy account,
   * and every call given up ends the pass, so the next pass reads everything again: at 30% throttling
   * 5 attempts still lost about one call in 400 (0.3^5), a whole extra pass in about one run of three
   * of ThrottlingIT. 8 loses one in 15,000; the AWS Load Balancer Controller retries 10 times by
   * default (its --aws-max-retries). The throttling backoff (1 s doubling to at most 20 s, jittered)
   * makes a call refused every time give up after at most about 70 s.
   */
  static final int MAX_ATTEMPTS = 8;

  /** How long an answer "not implemented" stands before the operation is asked again ({@link #implemented}). */
  static final Duration ASK_AGAIN = Duration.ofMinutes(10);

  private final List<ExecutionInterceptor> interceptors;
  /** null: the SDK's endpoint settings. */
  private final URI endpoint;
  /** null: the SDK's default credential chain. */
  private final AwsCredentialsProvider credentials;
  private final Map<String, Ec2Client> ec2 = new ConcurrentHashMap<>();
  private final Map<String, ElasticLoadBalancingV2Client> elb = new ConcurrentHashMap<>();
  /** Operations the endpoint answered as not implemented (an emulator's gap; see EndpointServiceSynthesizer), and when. */
  private final Map<String, Long> notImplemented = new ConcurrentHashMap<>();
  /** Monotonic nanoseconds for {@link #implemented}; the tests move it. */
  private LongSupplier nanos = System::nanoTime;

  /** @param interceptors seen on every call (the tests record calls with one) */
  public AwsClients(List<ExecutionInterceptor> interceptors) {
    this(interceptors, null);
  }

  /**
   * @param credentials used instead of the default chain (the tests run the operator as an IAM user
   *     of moto holding config/aws/iam-policy.json); null for the default chain
   */
  public AwsClients(List<ExecutionInterceptor> interceptors, AwsCredentialsProvider credentials) {
    this(interceptors, credentials, CloudCallRates.AWS_DEFAULT);
  }

  /** @param rates the operator's own ceiling per region and API ({@link CloudCallRates#UNLIMITED}: none) */
  public AwsClients(List<ExecutionInterceptor> interceptors, AwsCredentialsProvider credentials, CloudCallRates rates) {
    this(interceptors, credentials, rates, null);
  }

  /**
   * @param endpoint every API of every region at this URL instead of the SDK's endpoint settings (the
   *     tests put a fault-injecting proxy in front of moto this way); null for the SDK's
   */
  public AwsClients(List<ExecutionInterceptor> interceptors, AwsCredentialsProvider credentials, CloudCallRates rates,
      URI endpoint) {
    this.endpoint = endpoint;
    List<ExecutionInterceptor> all = new ArrayList<>();
    // First: a request waits for its token before the others (the tests' recorders, metrics) see it sent.
    all.add(new AwsCallLimits(new CallRateLimiter(), rates));
    all.addAll(interceptors);
    this.interceptors = List.copyOf(all);
    this.credentials = credentials;
  }

  public Ec2Client ec2(String region) {
    return ec2.computeIfAbsent(region, r -> Ec2Client.builder().region(Region.of(r))
        .credentialsProvider(credentials).applyMutation(b -> {
          if (endpoint != null) {
            b.endpointOverride(endpoint);
          }
        })
        .httpClientBuilder(UrlConnectionHttpClient.builder()).overrideConfiguration(override()).build());
  }

  public ElasticLoadBalancingV2Client elb(String region) {
    return elb.computeIfAbsent(region, r -> ElasticLoadBalancingV2Client.builder().region(Region.of(r))
        .credentialsProvider(credentials).applyMutation(b -> {
          if (endpoint != null) {
            b.endpointOverride(endpoint);
          }
        })
        .httpClientBuilder(UrlConnectionHttpClient.builder()).overrideConfiguration(override()).build());
  }

  private ClientOverrideConfiguration override() {
    return ClientOverrideConfiguration.builder()
        .retryStrategy(AwsRetryStrategy.forRetryMode(RetryMode.ADAPTIVE_V2).toBuilder().maxAttempts(MAX_ATTEMPTS).build())
        .executionInterceptors(interceptors).build();
  }

  /**
   * False for {@link #ASK_AGAIN} after the endpoint answered {@code operation} as not implemented:
   * asking again each pass would only cost the SDK's retries of that answer (moto answers
   * DescribeVpcEndpointConnections with an HTML 500, retried {@value #MAX_ATTEMPTS} times). AWS
   * implements every operation the operator calls, so there the answer was a passing fault, and the
   * call is made again after a while rather than never.
   */
  boolean implemented(String operation) {
    Long at = notImplemented.get(operation);
    return at == null || nanos.getAsLong() - at > ASK_AGAIN.toNanos();
  }

  void markNotImplemented(String operation) {
    notImplemented.put(operation, nanos.getAsLong());
  }

  /** For the tests: the clock {@link #implemented} measures {@link #ASK_AGAIN} with. */
  AwsClients withNanos(LongSupplier nanos) {
    this.nanos = nanos;
    return this;
  }

  @Override
  public void close() {
    ec2.values().forEach(Ec2Client::close);
    elb.values().forEach(ElasticLoadBalancingV2Client::close);
  }
}
