package io.coreviz.spark.clip;

import io.coreviz.spark.clip.model.ClipModel;
import io.coreviz.spark.clip.model.ClipModels;
import io.coreviz.spark.clip.pipeline.ClipPipeline;
import io.coreviz.spark.clip.pipeline.ScoringSpec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.encoders.ExpressionEncoder;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression$;
import org.apache.spark.sql.catalyst.expressions.ScalaUDF;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.logical.CatalystSerde;
import org.apache.spark.sql.catalyst.plans.logical.DeserializeToObject;
import org.apache.spark.sql.catalyst.plans.logical.GlobalLimit;
import org.apache.spark.sql.catalyst.plans.logical.Limit$;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.MapPartitions;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.ReturnAnswer;
import org.apache.spark.sql.catalyst.plans.logical.Sort;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.SparkStrategy;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractPartialFunction;

/**
 * Plans the clip calls of a SELECT list as one batched step. {@code Project(list, child)} whose
 * list calls clip functions on one image becomes
 *
 * <pre>
 * Project(list, calls replaced by their result columns)
 *   Project(child columns under their original ids, results)
 *     SerializeFromObject(MapPartitions(batched scoring, DeserializeToObject(
 *       Project(child columns, the image, each call's argument)))))
 * </pre>
 *
 * so the rest of the plan is unchanged, and each partition streams through a {@link ClipPipeline}
 * with the settings {@link ClipSqlFunctions#register} gave the session. A planner strategy: it sees
 * the fully optimized plan, after Spark's pushdown to data sources, and plans the rewritten SELECT
 * in place of the original. Installed by {@code CoreVizExtensions}.
 */
final class ClipBatching extends SparkStrategy {

  /** The name of the image column in the rewrite's input projection. */
  private static final String IMAGE_INPUT = "__clip_image";

  private final SparkSession session;

  ClipBatching(SparkSession session) {
    this.session = session;
  }

  @Override
  public scala.collection.immutable.List<SparkPlan> apply(LogicalPlan plan) {
    ScoringSpec spec = ClipSqlFunctions.registered(session);
    if (spec == null) {
      return seq(List.of());
    }
    if (plan instanceof Project project && isImageInput(project)) {
      // The rewrite's own input projection, planned over its child planned on its own: Spark's
      // scan strategies would fold it into the scan below, and a cached table's scan would then
      // be linked to this rewrite instead of to the query's plan, where adaptive execution looks
      // for it to reuse the finished stage (it would make a new one after each, without end).
      return seq(List.of(new ProjectExec(project.projectList(), planLater(project.child()))));
    }
    boolean answer = plan instanceof ReturnAnswer;
    LogicalPlan topNFirst = topNFirst(answer ? ((ReturnAnswer) plan).child() : plan);
    if (topNFirst != null) {
      return seq(List.of(planLater(answer ? new ReturnAnswer(topNFirst) : topNFirst)));
    }
    if (!(plan instanceof Project project) || !batchable(calls(project))) {
      return seq(List.of());
    }
    return seq(List.of(planLater(rewrite(project, spec))));
  }

  /**
   * {@code ORDER BY … LIMIT n} over a SELECT list with clip calls, ordered by columns the list
   * passes through: the same query with the top n taken first and the calls made on those n rows
   * only ({@code Project(list, Limit(n, Sort(order, child)))}), as Spark's own top-N evaluates a
   * projection on the rows it keeps. Scoring every row below the sort would download and score the
   * whole collection to return n rows. Null where the plan is not of that shape.
   */
  private static LogicalPlan topNFirst(LogicalPlan plan) {
    if (!(plan instanceof GlobalLimit global)) {
      return null;
    }
    Option<scala.Tuple2<Expression, LogicalPlan>> limit = Limit$.MODULE$.unapply(global);
    if (limit.isEmpty()
        || !(limit.get()._2() instanceof Sort sort)
        || !(sort.child() instanceof Project project)
        || !batchable(calls(project))
        || list(project.projectList()).stream().anyMatch(e -> !((Expression) e).deterministic())) {
      return null;
    }
    AttributeSet passedThrough = project.child().outputSet();
    for (SortOrder order : list(sort.order())) {
      if (!order.references().subsetOf(passedThrough)) {
        return null; // ordered by a computed column: every row's value is needed
      }
    }
    LogicalPlan sorted = sort.withNewChildren(seq(List.of(project.child())));
    LogicalPlan kept = (LogicalPlan) Limit$.MODULE$.apply(limit.get()._1(), sorted);
    return project.withNewChildren(seq(List.of(kept)));
  }

  private static List<ScalaUDF> calls(Project project) {
    List<ScalaUDF> calls = new ArrayList<>();
    for (NamedExpression expression : list(project.projectList())) {
      collect((Expression) expression, calls);
    }
    return calls;
  }

  private static boolean isImageInput(Project project) {
    return list(project.projectList()).stream()
        .anyMatch(e -> e instanceof Alias alias && alias.name().equals(IMAGE_INPUT));
  }

  private static void collect(Expression expression, List<ScalaUDF> calls) {
    if (expression instanceof ScalaUDF udf
        && udf.udfName().isDefined()
        && ClipCall.of(udf.udfName().get()) != null) {
      calls.add(udf);
      return;
    }
    for (Expression child : list(expression.children())) {
      collect(child, calls);
    }
  }

  /** Only calls on one image: one embedding per row serves them all. */
  private static boolean batchable(List<ScalaUDF> calls) {
    if (calls.isEmpty()) {
      return false;
    }
    Expression image = list(calls.get(0).children()).get(0);
    return calls.stream().allMatch(call -> list(call.children()).get(0).semanticEquals(image));
  }

  private static LogicalPlan rewrite(Project project, ScoringSpec spec) {
    List<ScalaUDF> calls = calls(project);
    LogicalPlan child = project.child();
    List<Attribute> childOutput = list(child.output());
    int width = childOutput.size();

    List<NamedExpression> inputs = new ArrayList<>(childOutput);
    inputs.add(alias(list(calls.get(0).children()).get(0), IMAGE_INPUT));
    List<ClipCall> kinds = new ArrayList<>();
    List<Integer> arguments = new ArrayList<>();
    for (ScalaUDF call : calls) {
      ClipCall kind = ClipCall.of(call.udfName().get());
      kinds.add(kind);
      if (kind.takesArgument) {
        arguments.add(inputs.size());
        inputs.add(alias(list(call.children()).get(1), "__clip_argument_" + inputs.size()));
      } else {
        arguments.add(-1);
      }
    }
    Project pre = new Project(seq(inputs), child);

    StructType inSchema = pre.schema();
    List<StructField> outFields = new ArrayList<>();
    for (int i = 0; i < width; i++) {
      outFields.add(inSchema.fields()[i]);
    }
    for (int k = 0; k < calls.size(); k++) {
      outFields.add(
          new StructField("__clip_result_" + k, kinds.get(k).type, true, Metadata.empty()));
    }
    StructType outSchema = new StructType(outFields.toArray(new StructField[0]));
    ExpressionEncoder<Row> in = ExpressionEncoder.apply(inSchema);
    in = in.resolveAndBind(seq(list(pre.output())), in.resolveAndBind$default$2());
    ExpressionEncoder<Row> out = ExpressionEncoder.apply(outSchema);
    LogicalPlan deserialized =
        new DeserializeToObject(in.deserializer(), CatalystSerde.generateObjAttr(in), pre);
    LogicalPlan mapped =
        new MapPartitions(
            new Batch(spec, width, kinds, arguments),
            CatalystSerde.generateObjAttr(out),
            deserialized);
    LogicalPlan serialize = CatalystSerde.serialize(mapped, out);
    List<Attribute> serialized = list(serialize.output());

    // Child columns keep their expression ids, so every reference above still resolves.
    List<NamedExpression> restored = new ArrayList<>();
    for (int i = 0; i < width; i++) {
      Attribute original = childOutput.get(i);
      restored.add(
          new Alias(
              serialized.get(i),
              original.name(),
              original.exprId(),
              seq(List.<String>of()),
              Option.empty(),
              seq(List.<String>of())));
    }
    Map<Expression, Attribute> results = new IdentityHashMap<>();
    for (int k = 0; k < calls.size(); k++) {
      Attribute result = serialized.get(width + k);
      restored.add(result);
      results.put(calls.get(k), result);
    }
    Project restore = new Project(seq(restored), serialize);

    List<NamedExpression> projectList = new ArrayList<>();
    for (NamedExpression expression : list(project.projectList())) {
      projectList.add(
          (NamedExpression)
              ((Expression) expression)
                  .transformDown(
                      new AbstractPartialFunction<Expression, Expression>() {
                        @Override
                        public boolean isDefinedAt(Expression e) {
                          return results.containsKey(e);
                        }

                        @Override
                        public Expression apply(Expression e) {
                          return results.get(e);
                        }
                      }));
    }
    return new Project(seq(projectList), restore);
  }

  private static Alias alias(Expression expression, String name) {
    return new Alias(
        expression,
        name,
        NamedExpression$.MODULE$.newExprId(),
        seq(List.<String>of()),
        Option.empty(),
        seq(List.<String>of()));
  }

  private static <T> List<T> list(scala.collection.Seq<T> seq) {
    return JavaConverters.seqAsJavaList(seq);
  }

  private static <T> scala.collection.immutable.List<T> seq(List<T> list) {
    return JavaConverters.asScalaBuffer(new ArrayList<>(list)).toList();
  }

  /** The batched step: rows in, rows with the call results appended out. */
  private static final class Batch
      extends AbstractFunction1<
          scala.collection.Iterator<Object>, scala.collection.Iterator<Object>>
      implements Serializable {

    private static final long serialVersionUID = 1L;

    private final ScoringSpec spec;
    private final int width;
    private final List<ClipCall> calls;
    private final List<Integer> arguments;

    Batch(ScoringSpec spec, int width, List<ClipCall> calls, List<Integer> arguments) {
      this.spec = spec;
      this.width = width;
      this.calls = calls;
      this.arguments = arguments;
    }

    @Override
    public scala.collection.Iterator<Object> apply(scala.collection.Iterator<Object> input) {
      java.util.Iterator<Row> rows =
          new java.util.Iterator<>() {
            private final java.util.Iterator<Object> source = JavaConverters.asJavaIterator(input);

            @Override
            public boolean hasNext() {
              return source.hasNext();
            }

            @Override
            public Row next() {
              return (Row) source.next();
            }
          };
      ClipModel model = ClipModels.get(spec.model());
      java.util.Iterator<Object> out =
          spec.pipeline(rows, row -> ClipCall.images(row.get(width)))
              .scored(batch -> new ArrayList<Object>(score(model, batch)));
      return JavaConverters.asScalaIterator(out);
    }

    private List<Row> score(ClipModel model, List<ClipPipeline.Embedded<Row>> batch) {
      List<String> texts = new ArrayList<>();
      for (int k = 0; k < calls.size(); k++) {
        if (calls.get(k).takesArgument) {
          for (ClipPipeline.Embedded<Row> item : batch) {
            Object argument = item.row().get(arguments.get(k));
            if (argument instanceof String text) {
              texts.add(text);
            } else if (argument != null) {
              texts.addAll(ClipCall.strings(argument));
            }
          }
        }
      }
      model.embedTexts(texts); // one run for the batch's new texts; the calls hit the cache
      List<Row> out = new ArrayList<>(batch.size());
      for (ClipPipeline.Embedded<Row> item : batch) {
        Object[] values = new Object[width + calls.size()];
        for (int i = 0; i < width; i++) {
          values[i] = item.row().get(i);
        }
        for (int k = 0; k < calls.size(); k++) {
          Object argument = arguments.get(k) < 0 ? null : item.row().get(arguments.get(k));
          values[width + k] = calls.get(k).compute(model, item.embedding(), item.error(), argument);
        }
        out.add(RowFactory.create(values));
      }
      return out;
    }
  }
}
