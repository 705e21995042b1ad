package io.privateendpoint.operator.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.privateendpoint.operator.metrics.CloudCallMetrics;
import io.privateendpoint.operator.testing.ScriptedHttpServer;
import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;

/**
 * kpe_cloud_calls_total through the real EC2 client, configured as AwsClients configures it (standard
 * retries), against a scripted endpoint: one outcome per call, one "retried" per extra attempt.
 */
class AwsCallMetricsTest {

  private static final String XML = "text/xml";
  private static final String VPCS = "<DescribeVpcsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
      + "<requestId>r</requestId><vpcSet/></DescribeVpcsResponse>";

  private final ScriptedHttpServer aws = new ScriptedHttpServer();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Ec2Client ec2 = Ec2Client.builder().region(Region.US_WEST_2).endpointOverride(URI.create(aws.endpoint()))
      .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
      .httpClientBuilder(UrlConnectionHttpClient.builder())
      .overrideConfiguration(ClientOverrideConfiguration.builder().retryStrategy(RetryMode.STANDARD)
          .addExecutionInterceptor(new AwsCallMetrics(new CloudCallMetrics(registry))).build())
      .build();

  @AfterEach
  void close() {
    ec2.close();
    aws.close();
  }

  @Test
  void successIsOneCall() {
    aws.then(200, XML, VPCS);
    ec2.describeVpcs();
    assertThat(counts()).isEqualTo(Map.of("Ec2.DescribeVpcs success", 1.0));
  }

  @Test
  void aThrottledAttemptThatIsRetriedCountsRetriedAndTheCallsEnd() {
    aws.then(503, XML, error("RequestLimitExceeded")).then(200, XML, VPCS);
    ec2.describeVpcs();
    assertThat(aws.requests()).hasSize(2);
    assertThat(counts()).isEqualTo(Map.of("Ec2.DescribeVpcs retried", 1.0, "Ec2.DescribeVpcs success", 1.0));
  }

  @Test
  void throttledToTheEndIsThrottled() {
    for (int i = 0; i < 3; i++) {
      aws.then(503, XML, error("RequestLimitExceeded"));
    }
    assertThatThrownBy(ec2::describeVpcs).isInstanceOf(Ec2Exception.class);
    // The standard retry mode makes three attempts.
    assertThat(counts()).isEqualTo(Map.of("Ec2.DescribeVpcs retried", 2.0, "Ec2.DescribeVpcs throttled", 1.0));
  }

  @Test
  void aMissingPermissionIsRefusedAndNotRetried() {
    aws.then(403, XML, error("UnauthorizedOperation"));
    assertThatThrownBy(ec2::describeVpcs).isInstanceOf(Ec2Exception.class);
    assertThat(counts()).isEqualTo(Map.of("Ec2.DescribeVpcs refused", 1.0));
  }

  @Test
  void serverErrorsAreRetriedThenError() {
    for (int i = 0; i < 3; i++) {
      aws.then(500, XML, error("InternalError"));
    }
    assertThatThrownBy(ec2::describeVpcs).isInstanceOf(Ec2Exception.class);
    assertThat(counts()).isEqualTo(Map.of("Ec2.DescribeVpcs retried", 2.0, "Ec2.DescribeVpcs error", 1.0));
  }

  private static String error(String code) {
    return "<Response><Errors><Error><Code>" + code + "</Code><Message>scripted</Message></Error></Errors>"
        + "<RequestID>r</RequestID></Response>";
  }

  /** "operation outcome" → count, for cloud="aws". */
  private Map<String, Double> counts() {
    Map<String, Double> counts = new TreeMap<>();
    for (Counter c : registry.find(CloudCallMetrics.NAME).tag("cloud", "aws").counters()) {
      counts.put(c.getId().getTag("operation") + " " + c.getId().getTag("outcome"), c.count());
    }
    return counts;
  }
}
