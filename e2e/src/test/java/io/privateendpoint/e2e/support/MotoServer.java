package io.privateendpoint.e2e.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * moto's AWS emulator (moto_server, Python) on 127.0.0.1 at a free port, one per test JVM, behind
 * the real AWS SDK: the SDK's own standard settings (aws.endpointUrl, credentials) point every AWS
 * client of the JVM at it, exactly as AWS_ENDPOINT_URL would in a pod. hack/test.sh installs moto
 * with pip where it is missing.
 */
public final class MotoServer {

  private static MotoServer instance;

  private final Process process;
  private final String endpoint;
  private final AwsCalls calls = new AwsCalls();

  private MotoServer(Process process, String endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  public static synchronized MotoServer get() {
    if (instance == null) {
      instance = start();
      System.setProperty("aws.endpointUrl", instance.endpoint);
      System.setProperty("aws.accessKeyId", "testing");
      System.setProperty("aws.secretAccessKey", "testing");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> instance.process.destroy(), "stop-moto"));
    }
    return instance;
  }

  public String endpoint() {
    return endpoint;
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
      Process process = new ProcessBuilder(List.of("moto_server", "-H", "127.0.0.1", "-p", String.valueOf(port)))
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      while (Instant.now().isBefore(deadline)) {
        if (!process.isAlive()) {
          throw new IllegalStateException("moto_server exited: " + Files.readString(log));
        }
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", port), 500);
          return new MotoServer(process, "http://127.0.0.1:" + port);
        } catch (IOException notYet) {
          Thread.sleep(200);
        }
      }
      process.destroyForcibly();
      throw new IllegalStateException("moto_server did not listen on " + port + " within 60 s");
    } catch (IOException e) {
      throw new IllegalStateException("cannot start moto_server (hack/test.sh installs it with pip)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
