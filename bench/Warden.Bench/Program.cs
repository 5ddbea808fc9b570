using BenchmarkDotNet.Running;
using Warden.Bench.Edge;
using Warden.Bench.Serving;

// `ceiling --urls URL` runs the bare ASP.NET Core comparison endpoint for the load benchmark;
// `resnet-serving REST_URL GRPC_URL [latency] [batching] [sessions]` measures ResNet18 against a running warden serve (bench/load/resnet.sh);
// `edge-resnet18 [images]` runs the edge quantisation measurement;
// `drift-log [rows] [repeats]` measures drift over a SQLite prediction log end to end;
// `log-commits [commits] [batch] [rounds] [variants]` measures the acknowledged prediction log's commit cycle on SQLite (pooled vs kept connection vs kept with pipelined sync; variants e.g. `kept,pipelined`);
// `log-writer [records] [rate] [rounds] [variants]` measures the prediction log writer's CPU and allocations per credit-risk record (variants json,packed,ack-json,ack-packed);
// `log-tensor [records] [rounds]` measures the prediction log's stages for a ResNet18-sized record, JSON vs compact tensors;
// `abuse-rates [seeds] [queries]` prints detection and false-positive rates of the extraction detector (docs/abuse.md);
// anything else goes to BenchmarkDotNet (e.g. `--filter *InferencePath*`).
if (args.Length > 0 && args[0] == "ceiling")
{
    await CeilingServer.RunAsync(args[1..]);
    return 0;
}

if (args.Length > 0 && args[0] == "resnet-serving")
{
    return await ResNetServing.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "edge-resnet18")
{
    return ResNet18Quantization.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 500);
}

if (args.Length > 0 && args[0] == "drift-log")
{
    var rows = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
    return await Warden.Bench.Drift.LoggedDriftRun.RunAsync(rows, args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5);
}

if (args.Length > 0 && args[0] == "log-commits")
{
    int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    return await LogCommitRun.RunAsync(Arg(1, 3_000), Arg(2, 11), Arg(3, 3), args.Length > 4 ? args[4] : "pooled,kept,pipelined");
}

if (args.Length > 0 && args[0] == "log-writer")
{
    int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    return await LogWriterRun.RunAsync(Arg(1, 50_000), Arg(2, 10_000), Arg(3, 3), args.Length > 4 ? args[4] : "json,packed");
}

if (args.Length > 0 && args[0] == "log-tensor")
{
    int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    return await LargeTensorLogRun.RunAsync(Arg(1, 40), Arg(2, 3));
}

if (args.Length > 0 && args[0] == "abuse-rates")
{
    var seeds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100;
    return Warden.Bench.Abuse.ExtractionRates.Run(seeds, args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1000);
}

BenchmarkSwitcher.FromAssembly(typeof(CeilingServer).Assembly).Run(args);
return 0;
