using Warden.Bench.Edge;

// `dotnet run -c Release --project bench/Warden.Bench -- edge-resnet18 [images]` runs the edge quantisation measurement.
if (args.Length > 0 && args[0] == "edge-resnet18")
{
    return ResNet18Quantization.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 500);
}

return 0;
