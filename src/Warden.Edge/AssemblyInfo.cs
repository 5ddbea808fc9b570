namespace Warden.Edge;
