using BenchmarkDotNet.Running;
using Warden.Bench.Serving;

// `ceiling --urls URL` runs the bare ASP.NET Core comparison endpoint for the load benchmark;
// anything else goes to BenchmarkDotNet (e.g. `--filter *InferencePath*`).
if (args.Length > 0 && args[0] == "ceiling")
{
    await CeilingServer.RunAsync(args[1..]);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(CeilingServer).Assembly).Run(args);
return 0;
