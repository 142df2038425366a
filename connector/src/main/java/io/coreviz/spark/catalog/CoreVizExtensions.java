package io.coreviz.spark.catalog;

import io.coreviz.spark.clip.ClipSqlFunctions;
import io.coreviz.spark.functions.CatalogFunction;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.ApplyFunctionExpression;
import org.apache.spark.sql.catalyst.expressions.EqualTo;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Not;
import org.apache.spark.sql.catalyst.expressions.Or;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.types.DataTypes;
import scala.Function1;
import scala.runtime.AbstractPartialFunction;
import scala.runtime.BoxedUnit;

/**
 * The connector's session extensions, where all its plan rules are installed. Enable with {@code
 * spark.sql.extensions=io.coreviz.spark.catalog.CoreVizExtensions}.
 *
 * <ul>
 *   <li>{@link CompareCallsToTrue}: lets the catalog's functions push down when written as bare
 *       predicates ({@code WHERE coreviz.has_tag(…)}) on Spark versions that only push a function
 *       compared to a value, by rewriting each bare call into {@code call = true} (same meaning in
 *       a filter) before Spark pushes filters to sources.
 *   <li>{@link RedactCredentialOptions}: adds the connector's credential option names to {@code
 *       spark.sql.redaction.options.regex}, so a key given as a SQL {@code OPTIONS} value, or a
 *       credential setting shown by {@code SET}, is redacted in plans, the SQL UI, the event log
 *       and {@code SET}'s output.
 *   <li>The {@code clip_*} SQL functions ({@code ClipSqlFunctions.inject}), in every session, with
 *       the model named by {@code spark.coreviz.clip.modelPath}.
 *   <li>CLIP batching ({@code ClipSqlFunctions.batching}): a planner strategy that plans the {@code
 *       clip_*} calls of a SELECT list as one batched step, in sessions where {@code
 *       ClipSqlFunctions.register} gave the model settings. It sees the optimized plan, after
 *       Spark's pushdown to data sources.
 * </ul>
 */
public final class CoreVizExtensions implements Function1<SparkSessionExtensions, BoxedUnit> {

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    extensions.injectResolutionRule(RedactCredentialOptions::new);
    extensions.injectOptimizerRule(session -> new CompareCallsToTrue());
    extensions.injectPlannerStrategy(ClipSqlFunctions::batching);
    ClipSqlFunctions.inject(extensions);
    return BoxedUnit.UNIT;
  }

  /**
   * Makes the session redact the connector's credential options: extends {@code
   * spark.sql.redaction.options.regex} when the session analyzes a statement, before the statement
   * runs (a session's settings cannot be changed while Spark builds its state, where extensions are
   * installed), and again if it was set without them. The plan is left as it is.
   */
  static final class RedactCredentialOptions extends Rule<LogicalPlan> {

    static final String OPTIONS_REGEX = "spark.sql.redaction.options.regex";

    /** The connector's credential options and settings, in any case. */
    static final String CREDENTIALS = "(?i)apikey|bearertoken";

    private final SparkSession session;

    RedactCredentialOptions(SparkSession session) {
      this.session = session;
    }

    @Override
    public LogicalPlan apply(LogicalPlan plan) {
      String regex = session.conf().get(OPTIONS_REGEX, "(?i)url");
      if (!regex.contains(CREDENTIALS)) {
        session.conf().set(OPTIONS_REGEX, regex + "|" + CREDENTIALS);
      }
      return plan;
    }
  }

  /** Rewrites bare calls of the catalog's functions in filters into {@code call = true}. */
  static final class CompareCallsToTrue extends Rule<LogicalPlan> {

    @Override
    public LogicalPlan apply(LogicalPlan plan) {
      return plan.transform(
          new AbstractPartialFunction<LogicalPlan, LogicalPlan>() {
            @Override
            public boolean isDefinedAt(LogicalPlan node) {
              return node instanceof Filter filter
                  && rewrite(filter.condition()) != filter.condition();
            }

            @Override
            public LogicalPlan apply(LogicalPlan node) {
              Filter filter = (Filter) node;
              return new Filter(rewrite(filter.condition()), filter.child());
            }
          });
    }

    /**
     * The condition with bare calls compared to true, through AND and OR; the same object if none.
     */
    static Expression rewrite(Expression condition) {
      if (condition instanceof And and) {
        Expression left = rewrite(and.left());
        Expression right = rewrite(and.right());
        return left == and.left() && right == and.right() ? condition : new And(left, right);
      }
      if (condition instanceof Or or) {
        Expression left = rewrite(or.left());
        Expression right = rewrite(or.right());
        return left == or.left() && right == or.right() ? condition : new Or(left, right);
      }
      if (condition instanceof Not not) {
        // Spark 3.5 fails an internal assertion on NOT over a bare function call.
        Expression child = rewrite(not.child());
        return child == not.child() ? condition : new Not(child);
      }
      if (condition instanceof ApplyFunctionExpression call
          && call.function() instanceof CatalogFunction) {
        return new EqualTo(condition, Literal.create(true, DataTypes.BooleanType));
      }
      return condition;
    }
  }
}
