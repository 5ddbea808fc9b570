using System.Diagnostics;
using System.Globalization;
using Warden.Core.Predictions;
using Warden.Core.Storage.Sql;
using Warden.Core.Tensors;

namespace Warden.Bench.Serving;

/// <summary>
/// Where the prediction log's time goes for a ResNet18-sized record (input f32[1,3,224,224], output f32[1,512,1,1]),
/// stage by stage, for the stored forms in alternation: <c>json</c> (every tensor as a V2 number array, the form before
/// compact tensors) and <c>compact</c> (the default <see cref="PredictionLogOptions.CompactTensorElements"/>). Stages:
/// <c>features</c> (<see cref="FeatureVector.Encode"/>), <c>serialise</c> (the whole
/// <see cref="PredictionSerializer.ToStored(PredictionRecord, PredictionLogOptions)"/>, which runs on the request's thread
/// under acknowledged durability), <c>commit</c> (a one-record batch through
/// <see cref="SqlPredictionStore.WriteBatchAsync(IReadOnlyList{StoredPrediction}, CancellationToken)"/> on SQLite, what the
/// writer's thread does while the request waits) and <c>read</c> (the record read back as V2 JSON). Prints medians in
/// milliseconds and the stored size per round.
/// </summary>
public static class LargeTensorLogRun
{
    public static async Task<int> RunAsync(int records, int rounds)
    {
        var random = new Random(13);
        var image = new float[3 * 224 * 224];
        for (var i = 0; i < image.Length; i++)
        {
            image[i] = (float)(random.NextDouble() * 4 - 2);
        }

        var features = new float[512];
        for (var i = 0; i < features.Length; i++)
        {
            features[i] = (float)random.NextDouble();
        }

        var record = new PredictionRecord("id", DateTimeOffset.UtcNow, "resnet18", "1", "key_bench", null,
            [new NamedTensor("Input247", TensorDatatype.Fp32, [1, 3, 224, 224], image)],
            [new NamedTensor("Pooling395_Output_0", TensorDatatype.Fp32, [1, 512, 1, 1], features)], null, 9.7);
        Console.WriteLine($"{records} ResNet18-sized records per form and round, {rounds} rounds; medians in ms");
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var compact in new[] { false, true })
            {
                var options = new PredictionLogOptions { CompactTensorElements = compact ? new PredictionLogOptions().CompactTensorElements : 0 };
                using (var scratch = new ScratchDatabase("warden-tensor-bench"))
                {
                    var store = new SqlPredictionStore(scratch.Database);
                    var featureMs = new double[records];
                    var serialiseMs = new double[records];
                    var commitMs = new double[records];
                    var readMs = new double[records];
                    long storedChars = 0;
                    for (var i = 0; i < records; i++)
                    {
                        var started = Stopwatch.GetTimestamp();
                        FeatureVector.Encode(record.Inputs, record.Outputs);
                        featureMs[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

                        started = Stopwatch.GetTimestamp();
                        var stored = PredictionSerializer.ToStored(record with { Id = Guid.CreateVersion7().ToString() }, options);
                        serialiseMs[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                        storedChars = stored.InputsJson.Length + stored.OutputsJson.Length;

                        started = Stopwatch.GetTimestamp();
                        await store.WriteBatchAsync([stored]);
                        commitMs[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

                        started = Stopwatch.GetTimestamp();
                        var read = await store.QueryAsync(new PredictionQuery("resnet18", null, i, 1));
                        readMs[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                        if (read.Count != 1 || read[0].InputsJson.Length < 1_000_000)
                        {
                            throw new InvalidOperationException("the record did not read back as V2 JSON");
                        }
                    }

                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{(compact ? "compact" : "json"),-7} round {round} load {ScratchDatabase.LoadAverage(),6}  " +
                        $"features {Median(featureMs),6:F3}  serialise {Median(serialiseMs),7:F3}  commit {Median(commitMs),7:F3}  read {Median(readMs),7:F3}  " +
                        $"stored {storedChars / 1e6,5:F2} M chars"));
                }
            }
        }

        return 0;
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
