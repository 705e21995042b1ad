package io.privateendpoint.operator.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.privateendpoint.operator.cloud.CloudCallRates;
import io.privateendpoint.operator.model.ConnectionStatus;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.testing.Samples;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.ec2.model.ServiceConfiguration;

/**
 * DescribeVpcEndpointConnections and AcceptVpcEndpointConnections, which moto does not implement:
 * the real SDK client parses EC2's own response shape (as documented in the EC2 API reference),
 * served from 127.0.0.1, and the operator's auto-accept rule is applied to it.
 */
class EndpointConnectionsTest {

  private static final String CONNECTIONS = """
      <?xml version="1.0" encoding="UTF-8"?>
      <DescribeVpcEndpointConnectionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
        <requestId>6f1a2b3c-0000-4000-8000-000000000001</requestId>
        <vpcEndpointConnectionSet>
          <item>
            <serviceId>vpce-svc-0f49e37e1f022cd45</serviceId>
            <vpcEndpointId>vpce-0a1b2c3d4e5f60718</vpcEndpointId>
            <vpcEndpointOwner>123456789012</vpcEndpointOwner>
            <vpcEndpointState>pendingAcceptance</vpcEndpointState>
            <creationTimestamp>2026-11-20T10:00:00.000Z</creationTimestamp>
          </item>
          <item>
            <serviceId>vpce-svc-0f49e37e1f022cd45</serviceId>
            <vpcEndpointId>vpce-0ffffffffffffffff</vpcEndpointId>
            <vpcEndpointOwner>999999999999</vpcEndpointOwner>
            <vpcEndpointState>pendingAcceptance</vpcEndpointState>
            <creationTimestamp>2026-11-20T10:05:00.000Z</creationTimestamp>
          </item>
          <item>
            <serviceId>vpce-svc-0f49e37e1f022cd45</serviceId>
            <vpcEndpointId>vpce-011111111111111aa</vpcEndpointId>
            <vpcEndpointOwner>123456789012</vpcEndpointOwner>
            <vpcEndpointState>available</vpcEndpointState>
            <creationTimestamp>2026-11-19T08:00:00.000Z</creationTimestamp>
          </item>
        </vpcEndpointConnectionSet>
      </DescribeVpcEndpointConnectionsResponse>
      """;
  private static final String ACCEPTED = """
      <?xml version="1.0" encoding="UTF-8"?>
      <AcceptVpcEndpointConnectionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
        <requestId>6f1a2b3c-0000-4000-8000-000000000002</requestId>
        <unsuccessful/>
      </AcceptVpcEndpointConnectionsResponse>
      """;

  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void serve() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String body = URLDecoder.decode(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
          StandardCharsets.UTF_8);
      requests.add(body);
      byte[] answer = (body.contains("Action=AcceptVpcEndpointConnections") ? ACCEPTED : CONNECTIONS).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/xml");
      exchange.sendResponseHeaders(200, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void showsConnectionsAndAcceptsOnlyPendingOnesFromAllowedAccounts() {
    KafkaPrivateEndpoint resource = Samples.resource("aws.yaml");
    resource.getMetadata().setUid("3f2a0000-0000-4000-8000-000000000000");
    resource.getSpec().getAws().setAutoAcceptConnections(true); // allowed: arn:aws:iam::123456789012:root
    try (AwsClients clients = clients()) {
      var synthesizer = new EndpointServiceSynthesizer(clients, resource, "test");

      var result = synthesizer.connections(ServiceConfiguration.builder().serviceId("vpce-svc-0f49e37e1f022cd45").build());

      assertThat(result.connectionsSupported()).isTrue();
      assertThat(result.connections()).extracting(ConnectionStatus::getId, ConnectionStatus::getOwner, ConnectionStatus::getState)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("vpce-0a1b2c3d4e5f60718", "123456789012", "pendingAcceptance"),
              org.assertj.core.groups.Tuple.tuple("vpce-0ffffffffffffffff", "999999999999", "pendingAcceptance"),
              org.assertj.core.groups.Tuple.tuple("vpce-011111111111111aa", "123456789012", "available"));
    }
    List<String> accepts = requests.stream().filter(r -> r.contains("Action=AcceptVpcEndpointConnections")).toList();
    assertThat(accepts).singleElement().satisfies(r -> {
      assertThat(r).contains("VpcEndpointId.1=vpce-0a1b2c3d4e5f60718").contains("ServiceId=vpce-svc-0f49e37e1f022cd45");
      assertThat(r).doesNotContain("vpce-0ffffffffffffffff").doesNotContain("VpcEndpointId.2");
    });
  }

  @Test
  void withoutAutoAcceptNothingIsAccepted() {
    KafkaPrivateEndpoint resource = Samples.resource("aws.yaml");
    resource.getMetadata().setUid("3f2a0000-0000-4000-8000-000000000001");
    try (AwsClients clients = clients()) {
      new EndpointServiceSynthesizer(clients, resource, "test")
          .connections(ServiceConfiguration.builder().serviceId("vpce-svc-0f49e37e1f022cd45").build());
    }
    assertThat(requests).noneMatch(r -> r.contains("Action=AcceptVpcEndpointConnections"));
  }

  @Test
  void anEndpointWithoutTheCallIsAskedOnceNotEveryPass() {
    answerAsMotoDoes();
    KafkaPrivateEndpoint resource = Samples.resource("aws.yaml");
    resource.getMetadata().setUid("3f2a0000-0000-4000-8000-000000000002");
    ServiceConfiguration service = ServiceConfiguration.builder().serviceId("vpce-svc-0f49e37e1f022cd45").build();
    try (AwsClients clients = clients()) {
      var first = new EndpointServiceSynthesizer(clients, resource, "test").connections(service);
      int asked = requests.size();
      var second = new EndpointServiceSynthesizer(clients, resource, "test").connections(service);
      new EndpointServiceSynthesizer(clients, resource, "test").rejectConnections(service.serviceId());

      assertThat(first.connectionsSupported()).isFalse();
      assertThat(second.connectionsSupported()).isFalse();
      assertThat(asked).as("the SDK's attempts at the first pass").isEqualTo(AwsClients.MAX_ATTEMPTS);
      assertThat(requests).as("no request after the first pass learned the call is missing").hasSize(asked);
    }
  }

  @Test
  void aMissingCallIsAskedAgainAfterTenMinutes() {
    answerAsMotoDoes();
    KafkaPrivateEndpoint resource = Samples.resource("aws.yaml");
    resource.getMetadata().setUid("3f2a0000-0000-4000-8000-000000000003");
    ServiceConfiguration service = ServiceConfiguration.builder().serviceId("vpce-svc-0f49e37e1f022cd45").build();
    AtomicLong now = new AtomicLong(1_000_000_000L);
    try (AwsClients clients = clients().withNanos(now::get)) {
      new EndpointServiceSynthesizer(clients, resource, "test").connections(service);
      now.addAndGet(AwsClients.ASK_AGAIN.toNanos()); // not yet: the answer stands for ten minutes
      new EndpointServiceSynthesizer(clients, resource, "test").connections(service);
      assertThat(requests).as("within ten minutes").hasSize(AwsClients.MAX_ATTEMPTS);

      now.addAndGet(1);
      var later = new EndpointServiceSynthesizer(clients, resource, "test").connections(service);
      assertThat(requests).as("asked again once ten minutes passed").hasSize(2 * AwsClients.MAX_ATTEMPTS);
      assertThat(later.connectionsSupported()).isFalse();
      new EndpointServiceSynthesizer(clients, resource, "test").connections(service);
      assertThat(requests).as("and remembered again").hasSize(2 * AwsClients.MAX_ATTEMPTS);
    }
  }

  /** As moto answers DescribeVpcEndpointConnections: an HTML 500, which the SDK retries as a server error. */
  private void answerAsMotoDoes() {
    server.removeContext("/");
    server.createContext("/", exchange -> {
      requests.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      byte[] answer = "<html><body>Internal Server Error</body></html>".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/html");
      exchange.sendResponseHeaders(500, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
  }

  /** The operator's clients (real SDK, its retry settings), pointed at the local server. */
  private AwsClients clients() {
    return new AwsClients(List.of(), StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")),
        CloudCallRates.UNLIMITED, URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
  }

  @Test
  void accountOfAnArn() {
    assertThat(EndpointServiceSynthesizer.account("arn:aws:iam::123456789012:root")).isEqualTo("123456789012");
    assertThat(EndpointServiceSynthesizer.account("arn:aws-cn:iam::210987654321:role/consumer")).isEqualTo("210987654321");
  }
}
