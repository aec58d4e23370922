// Job `train` (lane 'train'): trains one architecture on a dataset export, with early stopping on a validation part
// of train, a checkpoint per epoch, resume after a kill, live metrics, and a final test top-1/top-5.
//
// Dataset: `params.dataset` (an export folder) or, when absent, the workspace's latest export (exports/<name>/ with
// the newest dataset.json). Run folder: runs/<runId>/ (checkpoint/, best-weights.*). The job cursor is {runId, epoch}
// and is committed with the run's epoch after each checkpoint, so a resumed job continues from the last complete
// epoch; metrics recorded after that checkpoint are dropped and recomputed (the data order and augmentation are
// functions of (seed, epoch, position), and the step's dropout and stochastic-depth draws of (seed, epoch, step), so
// the recomputed epoch computes what the killed one did).
// The recipe (core/training/hyperparams.ts, stored whole in runs.params with every difference from torchvision's):
// RandomResizedCrop + flip, the auto-augmentation policy and RandomErasing per image (io/train-data/decode.ts);
// Mixup/CutMix per batch; the repeated-augmentation sampler; label smoothing, clipping, weight decay groups and the
// optimizer per step (core/training/step.ts); the lr schedule per epoch or step; the weight EMA, whose weights are then
// the ones validated, kept as best and tested (as torchvision's EMA recipes publish the EMA weights).
// Metrics (table `metrics`, and live `run.metric` events): per step loss, accuracy, lr, images_per_s; per epoch
// train_loss, train_accuracy, val_loss, val_accuracy (with EMA: of the averaged weights, and val_accuracy_model of the
// trained ones), epoch_images_per_s; at the end test_top1, test_top5. Accuracies are in percent.
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { defineWorker, type WorkerContext } from '../jobs/worker-context.ts';
import { initEngine, describeEngine, tf } from '../io/tf-engine/backend.ts';
import {
  loadBestWeights,
  loadCheckpoint,
  loadCheckpointExtra,
  readCheckpointState,
  saveBestWeights,
  saveCheckpoint,
} from '../io/tf-engine/checkpoint.ts';
import { readDatasetExport, type LabelledImage } from '../io/train-data/export-dataset.ts';
import { DecodePool, batches } from '../io/train-data/loader.ts';
import { buildModel } from '../core/architectures/index.ts';
import { resolveHyperparams, type Hyperparams } from '../core/training/hyperparams.ts';
import { learningRateAt } from '../core/training/schedule.ts';
import { epochPermutation, hashInts, rngFor } from '../core/training/random.ts';
import { repeatedAugmentationOrder } from '../core/training/sampler.ts';
import { applyMix, chooseMix } from '../core/training/mix.ts';
import { WeightEma } from '../core/training/ema.ts';
import type { DecodeSpec } from '../io/train-data/decode.ts';
import { validationSplit } from '../core/training/split.ts';
import { initialEarlyStopping, observeValidation, type EarlyStoppingState } from '../core/training/early-stopping.ts';
import { evaluateBatch, makeOptimizer, trainStep } from '../core/training/step.ts';
import { deleteMetricsAfter, insertMetrics, updateRun, type MetricPoint } from '../store/runs.ts';
import { logRecipe, openRun, resolveDataset, spread, TrainParams, type TrainCursor } from './training-run.ts';

export { TrainParams };

type Cursor = TrainCursor;

interface LoopState {
  epoch: number;
  step: number;
  seed: number;
  early: EarlyStoppingState;
  stopped: boolean;
  /** The weight EMA's update count (torch's n_averaged); its averages are the checkpoint's extra tensors. */
  emaUpdates?: number;
}

/** The training order of an epoch: a seeded permutation, repeated per image by the RA sampler when the recipe has one. */
function epochOrder(hp: Hyperparams, n: number, epoch: number): number[] {
  const permutation = epochPermutation(n, hp.seed, epoch);
  return hp.recipe.raReps > 0 ? repeatedAugmentationOrder(permutation, hp.recipe.raReps) : permutation;
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
    const split = validationSplit(
      pool.map((x) => x.label),
      hp.valFraction,
      hp.seed,
    );
    const trainSet = split.train.map((i) => pool[i]);
    const valSet = split.val.map((i) => pool[i]);
    if (hp.recipe.raReps > 0 && trainSet.length < 256) {
      throw new Error(
        `${hp.arch} (${hp.profile}): the recipe's repeated-augmentation sampler (--ra-reps ${hp.recipe.raReps}) trains on floor(n / 256) * 256 images per epoch, ` +
          `and this run has ${trainSet.length} training images: use a larger dataset or the local profile`,
      );
    }
    const stepsPerEpoch = Math.ceil(epochOrder(hp, trainSet.length, 0).length / hp.batch);
    const recordParams = {
      ...hp,
      dataset: {
        root: data.root,
        format: data.format,
        classes: data.classes.length,
        train: trainSet.length,
        val: valSet.length,
        test: data.test.length,
      },
      engine: { ...engine, description: describeEngine(engine) },
      job: p,
    };

    const { runId } = openRun(ctx, {
      arch: hp.arch,
      profile: hp.profile,
      datasetRoot: data.root,
      params: recordParams,
      engine: 'tfjs',
      backend: engine.backend,
    });
    const runDir = join(ctx.ws.paths.runs, String(runId));
    ctx.log(
      `run ${runId}: ${hp.arch} (${hp.profile}, ${hp.inputSize} px) on ${data.root}: ${trainSet.length} train / ${valSet.length} val / ${data.test.length} test images, ${data.classes.length} classes; engine ${describeEngine(engine)}`,
    );
    logRecipe(ctx, runId, hp);

    const decoders = new DecodePool(p.decodeWorkers ?? Math.max(1, Math.min(2, availableParallelism() - 1)));
    const model = buildModel(hp.arch, {
      profile: hp.profile,
      numClasses: data.classes.length,
      inputSize: hp.inputSize,
      seed: hp.seed,
    });
    // A recipe that evaluates at another size than it trains (ConvNeXt 176/224, EfficientNetV2 300/384) evaluates a
    // second build of the model at that size, with the trained weights copied in.
    const evalModel =
      hp.evalSize === hp.inputSize
        ? model
        : buildModel(hp.arch, {
            profile: hp.profile,
            numClasses: data.classes.length,
            inputSize: hp.evalSize,
            seed: hp.seed,
          });
    const opt = makeOptimizer(hp.recipe, hp.lr);
    const ema = hp.ema
      ? new WeightEma(model.weights, hp.ema.decayPerUpdate, hp.ema.steps, hp.recipe.warmupEpochs)
      : null;
    /** Evaluate with the weights a run is judged by: the EMA's when the recipe keeps one. */
    const judged = async <T>(fn: (m: tf.LayersModel) => Promise<T>): Promise<T> => {
      const run = async () => {
        if (evalModel !== model) evalModel.setWeights(model.getWeights());
        return fn(evalModel);
      };
      return ema ? ema.withAverages(run) : run();
    };
    try {
      let state: LoopState = {
        epoch: 0,
        step: 0,
        seed: hp.seed,
        early: initialEarlyStopping(),
        stopped: false,
        emaUpdates: 0,
      };
      const saved = readCheckpointState(runDir) ? await loadCheckpoint(runDir, model, opt.optimizer) : undefined;
      if (saved) {
        state = saved as unknown as LoopState;
        if (ema) {
          const averages = loadCheckpointExtra(runDir);
          ema.restore(averages, state.emaUpdates ?? 0);
          for (const t of averages) t.dispose();
        }
        ctx.log(`run ${runId}: resuming after epoch ${state.epoch} (step ${state.step}) from ${runDir}/checkpoint`);
      }
      deleteMetricsAfter(ctx.ws.db, runId, state.step);

      const emitAll = (points: MetricPoint[]) => {
        ctx.commit({ runId, epoch: state.epoch } satisfies Cursor, () => insertMetrics(ctx.ws.db, runId, points));
        for (const m of points) ctx.emit('run.metric', { runId, ...m });
      };
      const totalSteps = hp.epochs * stepsPerEpoch;
      const r = hp.recipe;
      const classes = data.classes.length;

      while (state.epoch < hp.epochs && !state.stopped) {
        const epoch = state.epoch;
        const order = epochOrder(hp, trainSet.length, epoch);
        const spec = (pos: number): DecodeSpec => ({
          train: true,
          seed: hashInts(hp.seed, epoch, pos),
          scaleMin: hp.cropScaleMin,
          size: hp.inputSize,
          evalResize: hp.evalResize,
          autoAugment: r.autoAugment,
          raMagnitude: r.raMagnitude,
          taTranslatePixels: r.taTranslatePixels,
          randomErase: r.randomErase,
        });
        let lossSum = 0;
        let correct = 0;
        let seen = 0;
        const epochStart = performance.now();
        let b = 0;
        for await (const batch of batches(decoders, trainSet, order, hp.batch, hp.inputSize, spec)) {
          for (const f of batch.failed) ctx.reject(data.root, f.item, f.reason);
          const lr = learningRateAt(r, epoch + b / stepsPerEpoch);
          opt.setLearningRate(lr);
          const batchIndex = b++;
          if (!batch.count) continue;
          const t0 = performance.now();
          const shape = { n: batch.count, height: hp.inputSize, width: hp.inputSize, channels: 3 };
          // Mixup/CutMix on the collated batch (the references' collate_fn), drawn per (seed, epoch, batch).
          const mix = chooseMix(
            r.mixupAlpha,
            r.cutmixAlpha,
            hp.inputSize,
            hp.inputSize,
            rngFor(hp.seed, epoch, batchIndex, 0x313),
          );
          const mixed = mix ? applyMix(batch.data, batch.labels, classes, shape, mix) : null;
          const x = tf.tensor4d(mixed?.data ?? batch.data, [batch.count, hp.inputSize, hp.inputSize, 3]);
          const y = mixed ? tf.tensor2d(mixed.targets, [batch.count, classes]) : tf.tensor1d(batch.labels, 'int32');
          const step = trainStep(model, opt, r, x, y, hashInts(hp.seed, epoch, batchIndex, 0xd409));
          x.dispose();
          y.dispose();
          ema?.afterStep(batchIndex, epoch);
          const secs = (performance.now() - t0) / 1000;
          if (!Number.isFinite(step.loss))
            throw new Error(
              `run ${runId}: loss became ${step.loss} at epoch ${epoch + 1}, step ${state.step + 1} (lower --lr?)`,
            );
          state.step++;
          lossSum += step.loss * batch.count;
          correct += step.correct;
          seen += batch.count;
          const ep = epoch + b / stepsPerEpoch;
          emitAll([
            { step: state.step, epoch: ep, name: 'loss', value: step.loss },
            { step: state.step, epoch: ep, name: 'accuracy', value: (100 * step.correct) / batch.count },
            { step: state.step, epoch: ep, name: 'lr', value: lr },
            { step: state.step, epoch: ep, name: 'images_per_s', value: batch.count / secs },
          ]);
          ctx.progress(
            state.step,
            totalSteps,
            `epoch ${epoch + 1}/${hp.epochs} step ${b}/${stepsPerEpoch} loss ${step.loss.toFixed(4)}`,
          );
        }
        const epochSecs = (performance.now() - epochStart) / 1000;
        const val = valSet.length ? await judged((m) => evaluate(decoders, m, valSet, hp, ctx)) : undefined;
        // With an EMA, the trained (not averaged) weights' validation accuracy too, as train.py reports both.
        let valModel: Awaited<ReturnType<typeof evaluate>> | undefined;
        if (val && ema) {
          if (evalModel !== model) evalModel.setWeights(model.getWeights());
          valModel = await evaluate(decoders, evalModel, valSet, hp, ctx);
        }
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
        if (valModel)
          points.push({ step: state.step, epoch: state.epoch, name: 'val_accuracy_model', value: valModel.top1 });
        const seen2 = observeValidation(state.early, state.epoch, monitored, hp.patience);
        state.early = seen2.state;
        state.stopped = seen2.stop;
        if (seen2.improved)
          await judged(() => saveBestWeights(runDir, model, { epoch: state.epoch, val: monitored, ema: ema != null }));
        emitAll(points);
        state.emaUpdates = ema?.updates ?? 0;
        const ckpt = await saveCheckpoint(runDir, model, opt.optimizer, { ...state }, ema?.named() ?? []);
        ctx.commit({ runId, epoch: state.epoch } satisfies Cursor, () =>
          updateRun(ctx.ws.db, runId, {
            epoch: state.epoch,
            bestVal: state.early.best,
            checkpoint: ctx.ws.relativePath(ckpt),
          }),
        );
        ctx.log(
          `run ${runId}: epoch ${state.epoch}/${hp.epochs} train loss ${(lossSum / Math.max(1, seen)).toFixed(4)} acc ${((100 * correct) / Math.max(1, seen)).toFixed(1)}%` +
            (val ? `, val acc ${val.top1.toFixed(1)}%` : '') +
            `, ${(seen / epochSecs).toFixed(1)} img/s${state.stopped ? ` — early stop (no improvement for ${hp.patience} epochs)` : ''}`,
        );
      }

      // The best weights are the judged ones (the EMA's, with an EMA): evaluate them as they are.
      loadBestWeights(runDir, model);
      if (evalModel !== model) evalModel.setWeights(model.getWeights());
      const test = await evaluate(decoders, evalModel, data.test, hp, ctx);
      emitAll([
        { step: state.step, epoch: state.epoch, name: 'test_top1', value: test.top1 },
        { step: state.step, epoch: state.epoch, name: 'test_top5', value: test.top5 },
      ]);
      updateRun(ctx.ws.db, runId, { status: 'succeeded', top1: test.top1, top5: test.top5, ended: true });
      ctx.log(
        `run ${runId}: test top-1 ${test.top1.toFixed(2)}%, top-5 ${test.top5.toFixed(2)}% (best epoch ${state.early.bestEpoch})`,
      );
      return { runId, arch: hp.arch, top1: test.top1, top5: test.top5, epochs: state.epoch, backend: engine.backend };
    } catch (err) {
      const cancelled = ctx.signal.aborted;
      updateRun(ctx.ws.db, runId, {
        status: cancelled ? 'cancelled' : 'failed',
        error: cancelled ? null : (err as Error).message,
        ended: true,
      });
      throw err;
    } finally {
      model.dispose();
      if (evalModel !== model) evalModel.dispose();
      ema?.dispose();
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
  const spec = () => ({ train: false, seed: 0, size: hp.evalSize, evalResize: hp.evalResize });
  let loss = 0;
  let top1 = 0;
  let top5 = 0;
  let count = 0;
  const evalBatch = Math.max(hp.batch, 32);
  for await (const batch of batches(decoders, images, order, evalBatch, hp.evalSize, spec)) {
    for (const f of batch.failed) ctx.reject('evaluation', f.item, f.reason);
    if (!batch.count) continue;
    const x = tf.tensor4d(batch.data, [batch.count, hp.evalSize, hp.evalSize, 3]);
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
  return {
    loss: loss / Math.max(1, count),
    top1: (100 * top1) / Math.max(1, count),
    top5: (100 * top5) / Math.max(1, count),
  };
}
