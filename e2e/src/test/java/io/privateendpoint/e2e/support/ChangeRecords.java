package io.privateendpoint.e2e.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.fabric8.kubernetes.api.model.Event;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.operator.apply.Changes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * What an in-process operator told about the changes it made to one endpoint's resources: the INFO
 * line {@link Changes} logs per change, and the Event it records per change — so a test can say that
 * each change was told once, both ways, and count them by kind.
 */
public final class ChangeRecords {

  private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
  private final List<String> kinds;

  /** @param kinds the kinds to count (longest first where one starts another: "security group rule" before "security group") */
  public ChangeRecords(List<String> kinds) {
    this.kinds = kinds;
    AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        lines.add(event.getFormattedMessage());
      }
    };
    appender.start();
    ((Logger) LoggerFactory.getLogger(Changes.class)).addAppender(appender);
  }

  /** The logged changes of {@code namespace/name} of these kinds, as "created NLB …", in order. */
  public List<String> logged(String namespace, String name) {
    String prefix = namespace + "/" + name + ": ";
    synchronized (lines) {
      return lines.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()))
          .filter(l -> kindOf(l.substring(l.indexOf(' ') + 1)) != null).toList();
    }
  }

  /** The endpoint's change events (Created, Changed, Deleted, Recreated, Repaired) of these kinds, as their messages. */
  public List<String> events(LocallyRunOperatorExtension operator, String name) {
    return Endpoints.events(operator, name).stream()
        .filter(e -> List.of("Created", "Changed", "Deleted", "Recreated", "Repaired").contains(e.getReason()))
        .sorted(java.util.Comparator.comparing(Event::getFirstTimestamp).thenComparing(e -> e.getMetadata().getCreationTimestamp()))
        .map(Event::getMessage)
        .filter(m -> kindOf(m.substring(m.indexOf(' ') + 1)) != null || kinds.stream().anyMatch(m::startsWith)).toList();
  }

  /** "Created" events of {@code name} → count per kind. */
  public Map<String, Long> count(List<String> messages, String verb) {
    return messages.stream().filter(m -> m.regionMatches(true, 0, verb + " ", 0, verb.length() + 1))
        .map(m -> kindOf(m.substring(verb.length() + 1))).filter(k -> k != null)
        .collect(Collectors.groupingBy(k -> k, TreeMap::new, Collectors.counting()));
  }

  private String kindOf(String rest) {
    return kinds.stream().filter(k -> rest.startsWith(k + " ")).findFirst().orElse(null);
  }
}
