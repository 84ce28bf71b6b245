class Muon: pass
