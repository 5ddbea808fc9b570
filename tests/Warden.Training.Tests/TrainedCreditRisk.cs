namespace Warden.Training.Tests;

/// <summary>One training run with seed 42, shared by the tests of a class (training takes a few seconds).</summary>
public sealed class TrainedCreditRisk
{
    public TrainedCreditRisk()
    {
        Rows = HmdaDataset.Load(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv"));
        Model = CreditRiskTrainer.Train(Rows, 42);
        OnnxBytes = Model.ExportOnnx().ToBytes();
        Metrics = Model.Evaluate();
    }

    internal IReadOnlyList<HmdaApplication> Rows { get; }

    internal CreditRiskModel Model { get; }

    internal byte[] OnnxBytes { get; }

    internal CreditRiskMetrics Metrics { get; }
}
