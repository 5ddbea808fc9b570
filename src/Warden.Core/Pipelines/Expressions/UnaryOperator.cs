namespace Warden.Core.Pipelines.Expressions;

internal enum UnaryOperator
{
    Negate,
    Not,
}
