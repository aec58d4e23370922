// Job `train` (lane 'train'): trains one architecture on a dataset export, with early stopping on a validation part
// of train, a checkpoint per epoch, resume after a kill, live metrics, and a final test top-1/top-5.
//
// Dataset: `params.dataset` (an export folder) or, when absent, the workspace's latest export (exports/<name>/ with
// the newest dataset.json). Run folder: runs/<runId>/ (checkpoint/, best-weights.*). The job cursor is {runId, epoch}
// and is committed with the run's epoch after each checkpoint, so a resumed job continues from the last complete
// epoch; metrics recorded after that checkpoint are dropped and recomputed (the data order and augmentation are
// functions of (seed, epoch, position), so the recomputed epoch sees the same batches).
// Metrics (table `metrics`, and live `run.metric` events): per step loss, accuracy, lr, images_per_s; per epoch
// train_loss, train_accuracy, val_loss, val_accuracy, epoch_images_per_s; at the end test_top1, test_top5. Accuracies
// are in percent.
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { defineWorker, type WorkerContext } from '../jobs/worker-context.ts';
import { initEngine, describeEngine, tf } from '../io/tf-engine/backend.ts';
import { loadBestWeights, loadCheckpoint, readCheckpointState, saveBestWeights, saveCheckpoint } from '../io/tf-engine/checkpoint.ts';
import { readDatasetExport, type LabelledImage } from '../io/train-data/export-dataset.ts';
import { DecodePool, batches } from '../io/train-data/loader.ts';
import { buildModel } from '../core/architectures/index.ts';
import { resolveHyperparams, type Hyperparams } from '../core/training/hyperparams.ts';
import { learningRateAt } from '../core/training/schedule.ts';
import { epochPermutation, hashInts } from '../core/training/random.ts';
import { validationSplit } from '../core/training/split.ts';
import { initialEarlyStopping, observeValidation, type EarlyStoppingState } from '../core/training/early-stopping.ts';
import { evaluateBatch, makeOptimizer, trainStep } from '../core/training/step.ts';
import { deleteMetricsAfter, insertMetrics, updateRun, type MetricPoint } from '../store/runs.ts';
import { openRun, resolveDataset, spread, TrainParams, type TrainCursor } from './training-run.ts';

export { TrainParams };

type Cursor = TrainCursor;

interface LoopState {
  epoch: number;
  step: number;
  seed: number;
  early: EarlyStoppingState;
  stopped: boolean;
}

export default defineWorker({
  kind: 'train',
  lane: 'train',
  params: TrainParams,
  async run(ctx, p) {
    const engine = await initEngine();
    const datasetDir = resolveDataset(ctx, p.dataset);
    const data = readDatasetExport(datasetDir);
    if (!data.train.length) throw new Error(`${datasetDir}: no training images`);
    if (!data.test.length) throw new Error(`${datasetDir}: no test images`);
    const hp: Hyperparams = resolveHyperparams(p.arch, p.profile, p);
    const pool = spread(data.train, p.maxTrainImages);
    const split = validationSplit(pool.map((x) => x.label), hp.valFraction, hp.seed);
    const trainSet = split.train.map((i) => pool[i]);
    const valSet = split.val.map((i) => pool[i]);
    const stepsPerEpoch = Math.ceil(trainSet.length / hp.batch);
    const recordParams = {
      ...hp,
      dataset: { root: data.root, format: data.format, classes: data.classes.length, train: trainSet.length, val: valSet.length, test: data.test.length },
      engine: { ...engine, description: describeEngine(engine) },
      job: p,
    };

    const { runId } = openRun(ctx, { arch: hp.arch, profile: hp.profile, datasetRoot: data.root, params: recordParams, engine: 'tfjs', backend: engine.backend });
    const runDir = join(ctx.ws.paths.runs, String(runId));
    ctx.log(`run ${runId}: ${hp.arch} (${hp.profile}, ${hp.inputSize} px) on ${data.root}: ${trainSet.length} train / ${valSet.length} val / ${data.test.length} test images, ${data.classes.length} classes; engine ${describeEngine(engine)}`);

    const decoders = new DecodePool(p.decodeWorkers ?? Math.max(1, Math.min(2, availableParallelism() - 1)));
    const model = buildModel(hp.arch, { profile: hp.profile, numClasses: data.classes.length, inputSize: hp.inputSize, seed: hp.seed });
    const opt = makeOptimizer(hp.recipe, hp.lr);
    try {
      let state: LoopState = { epoch: 0, step: 0, seed: hp.seed, early: initialEarlyStopping(), stopped: false };
      const saved = readCheckpointState(runDir) ? await loadCheckpoint(runDir, model, opt.optimizer) : undefined;
      if (saved) {
        state = saved as unknown as LoopState;
        ctx.log(`run ${runId}: resuming after epoch ${state.epoch} (step ${state.step}) from ${runDir}/checkpoint`);
      }
      deleteMetricsAfter(ctx.ws.db, runId, state.step);

      const emitAll = (points: MetricPoint[]) => {
        ctx.commit({ runId, epoch: state.epoch } satisfies Cursor, () => insertMetrics(ctx.ws.db, runId, points));
        for (const m of points) ctx.emit('run.metric', { runId, ...m });
      };
      const totalSteps = hp.epochs * stepsPerEpoch;
      const sched = { ...hp.recipe, lr: hp.lr, epochs: hp.epochs };

      while (state.epoch < hp.epochs && !state.stopped) {
        const epoch = state.epoch;
        const order = epochPermutation(trainSet.length, hp.seed, epoch);
        const spec = (pos: number) => ({ train: true, seed: hashInts(hp.seed, epoch, pos), scaleMin: hp.cropScaleMin, size: hp.inputSize, evalResize: hp.evalResize });
        let lossSum = 0;
        let correct = 0;
        let seen = 0;
        const epochStart = performance.now();
        let b = 0;
        for await (const batch of batches(decoders, trainSet, order, hp.batch, hp.inputSize, spec)) {
          for (const f of batch.failed) ctx.reject(data.root, f.item, f.reason);
          const lr = learningRateAt(sched, epoch + b / stepsPerEpoch);
          opt.setLearningRate(lr);
          b++;
          if (!batch.count) continue;
          const t0 = performance.now();
          const x = tf.tensor4d(batch.data, [batch.count, hp.inputSize, hp.inputSize, 3]);
          const y = tf.tensor1d(batch.labels, 'int32');
          const r = trainStep(model, opt, hp.recipe, x, y);
          x.dispose();
          y.dispose();
          const secs = (performance.now() - t0) / 1000;
          if (!Number.isFinite(r.loss)) throw new Error(`run ${runId}: loss became ${r.loss} at epoch ${epoch + 1}, step ${state.step + 1} (lower --lr?)`);
          state.step++;
          lossSum += r.loss * batch.count;
          correct += r.correct;
          seen += batch.count;
          const ep = epoch + b / stepsPerEpoch;
          emitAll([
            { step: state.step, epoch: ep, name: 'loss', value: r.loss },
            { step: state.step, epoch: ep, name: 'accuracy', value: (100 * r.correct) / batch.count },
            { step: state.step, epoch: ep, name: 'lr', value: lr },
            { step: state.step, epoch: ep, name: 'images_per_s', value: batch.count / secs },
          ]);
          ctx.progress(state.step, totalSteps, `epoch ${epoch + 1}/${hp.epochs} step ${b}/${stepsPerEpoch} loss ${r.loss.toFixed(4)}`);
        }
        const epochSecs = (performance.now() - epochStart) / 1000;
        const val = valSet.length ? await evaluate(decoders, model, valSet, hp, ctx) : undefined;
        state.epoch = epoch + 1;
        const points: MetricPoint[] = [
          { step: state.step, epoch: state.epoch, name: 'train_loss', value: lossSum / Math.max(1, seen) },
          { step: state.step, epoch: state.epoch, name: 'train_accuracy', value: (100 * correct) / Math.max(1, seen) },
          { step: state.step, epoch: state.epoch, name: 'epoch_images_per_s', value: seen / epochSecs },
        ];
        // Without a validation part (valFraction 0) the training accuracy stands in for it.
        const monitored = val ? val.top1 : (100 * correct) / Math.max(1, seen);
        if (val) {
          points.push({ step: state.step, epoch: state.epoch, name: 'val_loss', value: val.loss });
          points.push({ step: state.step, epoch: state.epoch, name: 'val_accuracy', value: val.top1 });
        }
        const seen2 = observeValidation(state.early, state.epoch, monitored, hp.patience);
        state.early = seen2.state;
        state.stopped = seen2.stop;
        if (seen2.improved) await saveBestWeights(runDir, model, { epoch: state.epoch, val: monitored });
        emitAll(points);
        const ckpt = await saveCheckpoint(runDir, model, opt.optimizer, { ...state });
        ctx.commit({ runId, epoch: state.epoch } satisfies Cursor, () =>
          updateRun(ctx.ws.db, runId, { epoch: state.epoch, bestVal: state.early.best, checkpoint: ctx.ws.relativePath(ckpt) }),
        );
        ctx.log(
          `run ${runId}: epoch ${state.epoch}/${hp.epochs} train loss ${(lossSum / Math.max(1, seen)).toFixed(4)} acc ${((100 * correct) / Math.max(1, seen)).toFixed(1)}%` +
            (val ? `, val acc ${val.top1.toFixed(1)}%` : '') +
            `, ${(seen / epochSecs).toFixed(1)} img/s${state.stopped ? ` — early stop (no improvement for ${hp.patience} epochs)` : ''}`,
        );
      }

      loadBestWeights(runDir, model);
      const test = await evaluate(decoders, model, data.test, hp, ctx);
      emitAll([
        { step: state.step, epoch: state.epoch, name: 'test_top1', value: test.top1 },
        { step: state.step, epoch: state.epoch, name: 'test_top5', value: test.top5 },
      ]);
      updateRun(ctx.ws.db, runId, { status: 'succeeded', top1: test.top1, top5: test.top5, ended: true });
      ctx.log(`run ${runId}: test top-1 ${test.top1.toFixed(2)}%, top-5 ${test.top5.toFixed(2)}% (best epoch ${state.early.bestEpoch})`);
      return { runId, arch: hp.arch, top1: test.top1, top5: test.top5, epochs: state.epoch, backend: engine.backend };
    } catch (err) {
      const cancelled = ctx.signal.aborted;
      updateRun(ctx.ws.db, runId, { status: cancelled ? 'cancelled' : 'failed', error: cancelled ? null : (err as Error).message, ended: true });
      throw err;
    } finally {
      model.dispose();
      opt.optimizer.dispose();
      await decoders.close();
    }
  },
});

async function evaluate(
  decoders: DecodePool,
  model: tf.LayersModel,
  images: readonly LabelledImage[],
  hp: Hyperparams,
  ctx: WorkerContext,
): Promise<{ loss: number; top1: number; top5: number }> {
  const order = images.map((_, i) => i);
  const spec = () => ({ train: false, seed: 0, size: hp.inputSize, evalResize: hp.evalResize });
  let loss = 0;
  let top1 = 0;
  let top5 = 0;
  let count = 0;
  const evalBatch = Math.max(hp.batch, 32);
  for await (const batch of batches(decoders, images, order, evalBatch, hp.inputSize, spec)) {
    for (const f of batch.failed) ctx.reject('evaluation', f.item, f.reason);
    if (!batch.count) continue;
    const x = tf.tensor4d(batch.data, [batch.count, hp.inputSize, hp.inputSize, 3]);
    const y = tf.tensor1d(batch.labels, 'int32');
    const r = evaluateBatch(model, x, y);
    x.dispose();
    y.dispose();
    loss += r.lossSum;
    top1 += r.top1;
    top5 += r.top5;
    count += r.count;
    ctx.throwIfCancelled();
  }
  return { loss: loss / Math.max(1, count), top1: (100 * top1) / Math.max(1, count), top5: (100 * top5) / Math.max(1, count) };
}
