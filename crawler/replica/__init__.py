"""The replica portal family: a deterministic, seeded stand-in for Hai Phong's city and district
news portals, served over real HTTP on loopback, that knows the true record of every article."""

from crawler.replica.generator import Replica, Site, TrueArticle, build_replica
from crawler.replica.server import ReplicaServer

__all__ = ["Replica", "ReplicaServer", "Site", "TrueArticle", "build_replica"]
