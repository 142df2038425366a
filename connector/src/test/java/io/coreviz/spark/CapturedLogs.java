package io.coreviz.spark;

import java.io.StringWriter;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * What every logger writes while this is open, each line {@code LEVEL logger: message}: a test's
 * view of the warnings the code under test gives.
 */
public final class CapturedLogs implements AutoCloseable {

  private final StringWriter text = new StringWriter();
  private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
  private final WriterAppender appender;

  public CapturedLogs(String name) {
    appender =
        WriterAppender.newBuilder()
            .setName(name)
            .setTarget(text)
            .setLayout(PatternLayout.newBuilder().withPattern("%p %c: %m%n").build())
            .build();
    appender.start();
    context.getRootLogger().addAppender(appender);
  }

  /** What was logged so far. */
  public String text() {
    return text.toString();
  }

  @Override
  public void close() {
    context.getRootLogger().removeAppender(appender);
    appender.stop();
  }
}
