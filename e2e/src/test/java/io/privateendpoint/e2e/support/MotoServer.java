package io.privateendpoint.e2e.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * moto's AWS emulator (moto's server, Python) on 127.0.0.1 at a free port, one per test JVM, behind
 * the real AWS SDK: the SDK's own standard settings (aws.endpointUrl, credentials) point every AWS
 * client of the JVM at it, exactly as AWS_ENDPOINT_URL would in a pod. hack/test.sh installs moto
 * with pip where it is missing.
 *
 * <p>moto enforces IAM ({@link MotoIam}): the tests' own clients run as an admin user (the JVM's
 * aws.accessKeyId), the operator as a user holding config/aws/iam-policy.json
 * ({@link #operatorCredentials()}), so a call the policy does not allow fails as on AWS.
 */
public final class MotoServer {

  private static MotoServer instance;

  private final Process process;
  private final String endpoint;
  private final AwsCalls calls = new AwsCalls();
  private MotoIam.Users users;

  private MotoServer(Process process, String endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  public static synchronized MotoServer get() {
    if (instance == null) {
      MotoServer moto = start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> moto.process.destroy(), "stop-moto"));
      moto.users = MotoIam.create(moto.endpoint, operatorPolicy());
      System.setProperty("aws.endpointUrl", moto.endpoint);
      System.setProperty("aws.accessKeyId", moto.users.admin().accessKeyId());
      System.setProperty("aws.secretAccessKey", moto.users.admin().secretAccessKey());
      instance = moto;
    }
    return instance;
  }

  public String endpoint() {
    return endpoint;
  }

  /** The operator's IAM user, whose only policy is config/aws/iam-policy.json. */
  public AwsCredentialsProvider operatorCredentials() {
    return StaticCredentialsProvider.create(users.operator());
  }

  /** The policy document the operator's role gets, read as shipped. */
  public static Path policyFile() {
    return KubernetesApiServerExtension.projectRoot().resolve("config/aws/iam-policy.json");
  }

  private static String operatorPolicy() {
    try {
      return Files.readString(policyFile());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the operator's IAM policy", e);
    }
  }

  /** Every AWS call the operators of this JVM made. */
  public AwsCalls calls() {
    return calls;
  }

  private static MotoServer start() {
    try {
      int port;
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = socket.getLocalPort();
      }
      Path log = Files.createTempFile("moto", ".log");
      ProcessBuilder builder = new ProcessBuilder(List.of(System.getProperty("kpe.python", "python3"), launcher().toString(),
          "-H", "127.0.0.1", "-p", String.valueOf(port))).redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().put("INITIAL_NO_AUTH_ACTION_COUNT", String.valueOf(MotoIam.SETUP_CALLS));
      Process process = builder.start();
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      while (Instant.now().isBefore(deadline)) {
        if (!process.isAlive()) {
          throw new IllegalStateException("moto's server exited: " + Files.readString(log));
        }
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", port), 500);
          return new MotoServer(process, "http://127.0.0.1:" + port);
        } catch (IOException notYet) {
          Thread.sleep(200);
        }
      }
      process.destroyForcibly();
      throw new IllegalStateException("moto's server did not listen on " + port + " within 60 s");
    } catch (IOException e) {
      throw new IllegalStateException("cannot start moto's server (hack/test.sh installs moto with pip)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** moto_iam_server.py (moto's server, judging no Resource it cannot name; see the file) as a file python can run. */
  private static Path launcher() throws IOException {
    Path file = Files.createTempFile("moto_iam_server", ".py");
    file.toFile().deleteOnExit();
    try (InputStream in = MotoServer.class.getResourceAsStream("/moto/moto_iam_server.py")) {
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    }
    return file;
  }
}
