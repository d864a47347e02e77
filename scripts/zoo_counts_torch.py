# The zoo rebuilt in PyTorch, for an independent count of parameters and forward MACs
# (ZooTests compares with these). Run: /path/to/venv/bin/python scripts/zoo_counts_torch.py
import torch, torch.nn as nn
def mlp(inp, widths, classes):
    layers=[]; f=inp
    for w in widths: layers += [nn.Linear(f,w), nn.ReLU()]; f=w
    return nn.Sequential(nn.Flatten(), *layers, nn.Linear(f,classes))
class Block(nn.Module):
    def __init__(s, cin, cout, stride):
        super().__init__()
        s.c1=nn.Conv2d(cin,cout,3,stride,1,bias=False); s.b1=nn.BatchNorm2d(cout)
        s.c2=nn.Conv2d(cout,cout,3,1,1,bias=False); s.b2=nn.BatchNorm2d(cout)
        s.sc=nn.Sequential() if stride==1 and cin==cout else nn.Sequential(nn.Conv2d(cin,cout,1,stride,bias=False), nn.BatchNorm2d(cout))
    def forward(s,x): return torch.relu(s.b2(s.c2(torch.relu(s.b1(s.c1(x)))))+s.sc(x))
def resnet20(cin, classes, w=1):
    L=[nn.Conv2d(cin,16*w,3,1,1,bias=False), nn.BatchNorm2d(16*w), nn.ReLU()]; c=16*w
    for planes,stride in [(16*w,1),(32*w,2),(64*w,2)]:
        for b in range(3): L.append(Block(c,planes,stride if b==0 else 1)); c=planes
    return nn.Sequential(*L, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c,classes))
def vgg(cin, classes, w=1):
    L=[]; c=cin
    for ch in [32,64,128]:
        for _ in range(2): L += [nn.Conv2d(c,ch*w,3,1,1,bias=False), nn.BatchNorm2d(ch*w), nn.ReLU()]; c=ch*w
        L.append(nn.MaxPool2d(2))
    return nn.Sequential(*L, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c,classes))
def lenet5(cin, side, classes):
    s=(side//2-4)//2
    return nn.Sequential(nn.Conv2d(cin,6,5,padding=2),nn.ReLU(),nn.MaxPool2d(2),nn.Conv2d(6,16,5),nn.ReLU(),nn.MaxPool2d(2),nn.Flatten(),nn.Linear(16*s*s,120),nn.ReLU(),nn.Linear(120,84),nn.ReLU(),nn.Linear(84,classes))
def count(m): return sum(p.numel() for p in m.parameters())
def macs(m, shape):
    total=[0]
    def hook(mod, i, o):
        if isinstance(mod, nn.Conv2d): total[0]+= o.numel()//o.shape[0] * mod.in_channels//mod.groups * mod.kernel_size[0]*mod.kernel_size[1]
        if isinstance(mod, nn.Linear): total[0]+= mod.in_features*mod.out_features
    hs=[mm.register_forward_hook(hook) for mm in m.modules()]
    m.eval(); m(torch.zeros(1,*shape)); [h.remove() for h in hs]; return total[0]
for shape in [(1,28,28),(3,32,32)]:
    inp=shape[0]*shape[1]*shape[2]
    for name,m in [("lenet300",mlp(inp,[300,100],10)),("lenet5",lenet5(shape[0],shape[1],10)),("mlp",mlp(inp,[512,256],10)),("vgg-small",vgg(shape[0],10)),("resnet20",resnet20(shape[0],10))]:
        print(shape, name, count(m), macs(m, shape))
