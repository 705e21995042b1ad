package io.privateendpoint.operator.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

/** Configures logback from the settings, in code, so the format is a flag and not a file to mount. */
final class LogSetup {

  private LogSetup() {}

  static void configure(OperatorSettings.LogFormat format, String level) {
    configure(format, level, false);
  }

  /** @param toStderr log to standard error (plan: standard output is the preview) */
  static void configure(OperatorSettings.LogFormat format, String level, boolean toStderr) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    Encoder<ILoggingEvent> encoder;
    if (format == OperatorSettings.LogFormat.json) {
      JsonEncoder json = new JsonEncoder();
      json.setContext(context);
      // One flat object per line with the rendered message, as log collectors expect.
      json.setWithFormattedMessage(true);
      json.setWithMessage(false);
      json.setWithArguments(false);
      json.setWithContext(false);
      json.setWithSequenceNumber(false);
      json.setWithNanoseconds(false);
      json.start();
      encoder = json;
    } else {
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setContext(context);
      text.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n");
      text.start();
      encoder = text;
    }
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("console");
    console.setEncoder(encoder);
    if (toStderr) {
      console.setTarget("System.err");
    }
    console.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(level, Level.INFO));
    root.addAppender(console);
    // fabric8 warns once per informer that a resource's version is not GA: our own CRD is v1alpha1 and
    // Strimzi's Kafka v1beta2 by design, and nothing the user can act on; a WARN at every start-up teaches
    // users to ignore WARN. That is the logger's only message.
    context.getLogger("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils").setLevel(Level.ERROR);
    // Proxy mode's Admin clients: an unreachable upstream is said in the endpoint's condition
    // (UpstreamUnreachable); kafka-clients would also log it on every poll, every 5 s, per endpoint.
    if (root.getLevel().isGreaterOrEqual(Level.INFO)) {
      context.getLogger("org.apache.kafka").setLevel(Level.ERROR);
    }
  }
}
