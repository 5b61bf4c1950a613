"""Word pools for generated Vietnamese articles. Data only; the generator combines them by seed."""

FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lương"]
MIDDLE_NAMES = ["Văn", "Thị", "Quang", "Minh", "Đức", "Thu", "Hữu", "Thanh", "Ngọc", "Xuân"]
GIVEN_NAMES = ["Hảo", "Trường", "Hùng", "Lan", "Hương", "Dũng", "Tuấn", "Hà", "Phương", "Thắng", "Nga", "Long", "Đạt", "Huyền"]

ORGANISATIONS = [
    "UBND quận", "Quận ủy", "Đảng ủy phường", "Hội Liên hiệp Phụ nữ quận", "Đoàn Thanh niên phường",
    "Ban Chỉ đạo 35 quận", "Mặt trận Tổ quốc quận", "Hội Cựu chiến binh phường", "Phòng Văn hóa và Thông tin",
    "Công an quận", "Ban Tuyên giáo Quận ủy", "Trung tâm Y tế quận", "Phòng Giáo dục và Đào tạo", "HĐND quận",
]
ACTIONS = [
    "tổ chức", "triển khai", "kiểm tra", "tổng kết", "phát động", "sơ kết", "hướng dẫn", "đánh giá",
    "tập huấn về", "ra quân", "trao tặng", "khánh thành", "giám sát", "đối thoại về",
]
TOPICS = [
    "công tác phòng chống thiên tai", "chương trình xây dựng đô thị văn minh", "phong trào toàn dân bảo vệ an ninh Tổ quốc",
    "công tác cải cách hành chính", "chuyển đổi số trong cơ quan nhà nước", "vệ sinh an toàn thực phẩm",
    "công tác bảo vệ nền tảng tư tưởng của Đảng", "chính sách an sinh xã hội", "phòng cháy chữa cháy tại khu dân cư",
    "tuyển chọn công dân nhập ngũ", "bảo vệ môi trường và xử lý rác thải", "khuyến học khuyến tài",
    "phòng chống dịch bệnh mùa mưa", "trật tự an toàn giao thông", "chăm sóc người cao tuổi", "phát triển kinh tế tập thể",
]
PLACES = [
    "phường Lạch Tray", "phường Đằng Giang", "phường Cầu Đất", "phường Máy Chai", "phường Gia Viên",
    "phường Đông Khê", "phường Lê Lợi", "phường Vạn Mỹ", "khu dân cư số 3", "nhà văn hóa quận",
    "trụ sở UBND quận", "Trung tâm Hội nghị thành phố", "khu công nghiệp Đình Vũ", "đường Lạch Tray",
]
CLAUSES = [
    "nhằm nâng cao nhận thức của cán bộ, đảng viên và Nhân dân",
    "góp phần thực hiện thắng lợi các nhiệm vụ chính trị của địa phương",
    "với sự tham gia của đông đảo đoàn viên, hội viên",
    "theo đúng kế hoạch đã đề ra từ đầu năm",
    "bảo đảm an toàn, tiết kiệm và hiệu quả",
    "qua đó tạo sự đồng thuận trong các tầng lớp Nhân dân",
    "trong bối cảnh tình hình thời tiết diễn biến phức tạp",
    "đáp ứng yêu cầu phát triển bền vững của thành phố Hải Phòng",
    "trên cơ sở kết quả khảo sát thực tế tại cơ sở",
    "với tổng kinh phí hơn {n} triệu đồng",
    "thu hút hơn {n} lượt người tham gia",
    "đồng thời chỉ ra những tồn tại, hạn chế cần khắc phục",
    "kết hợp giữa tuyên truyền trực tiếp và trên không gian mạng",
    "dưới sự chỉ đạo sát sao của Thường trực Quận ủy",
]
ROLES = [
    "Phó Bí thư Thường trực Quận ủy", "Chủ tịch UBND quận", "Phó Chủ tịch HĐND quận", "Trưởng Ban Dân vận Quận ủy",
    "Bí thư Đảng ủy phường", "Giám đốc Trung tâm Y tế quận", "Trưởng phòng Văn hóa và Thông tin",
]
SPEECH = [
    "nhấn mạnh", "đề nghị các cơ quan, đơn vị", "yêu cầu các phường", "biểu dương những kết quả đạt được và lưu ý",
    "chỉ đạo", "khẳng định",
]
SUBHEADINGS = [
    "Nhiều kết quả nổi bật", "Nhiệm vụ trọng tâm thời gian tới", "Phát huy vai trò của cơ sở",
    "Tăng cường phối hợp", "Những con số ấn tượng", "Chung tay vì cộng đồng", "Kiến nghị, đề xuất",
]
CAPTIONS = [
    "Quang cảnh {event}.", "Đồng chí {person}, {role} phát biểu tại {event}.", "Các đại biểu tham dự {event}.",
    "Lãnh đạo quận trao quà cho các gia đình chính sách.", "Đoàn công tác kiểm tra thực tế tại {place}.",
    "Đại biểu biểu quyết thông qua nghị quyết.", "Toàn cảnh buổi lễ tại {place}.",
]
EVENTS = ["Hội nghị", "buổi làm việc", "lễ ra quân", "buổi tập huấn", "chương trình", "hội thi"]
CATEGORIES = [("tin-tuc-su-kien", "Tin tức - Sự kiện"), ("chinh-tri", "Chính trị"), ("kinh-te-xa-hoi", "Kinh tế - Xã hội")]
WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]
